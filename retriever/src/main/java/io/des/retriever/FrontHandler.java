package io.des.retriever;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the {@link FrontServer}. Reads of files are answered by {@link
 * FileReads}; every other request (the batch POST, DELETE, health, metrics, actuator, OpenAPI) is
 * relayed as it arrives, body and response streamed, to the Spring application on its loopback
 * port, over one connection of its own kept for this client connection's life.
 *
 * <p>One exchange at a time: while a response is being produced, later (pipelined) requests wait
 * here in order and the connection is not read further, so a client cannot queue more than one read
 * buffer of requests, and responses leave in the order of their requests. Both directions of a relay
 * stop reading while the other side cannot take more.
 */
final class FrontHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(FrontHandler.class);

  private final FileReads reads;
  private final InetSocketAddress api;
  private final FrontServer.Exchanges exchanges;

  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  /** A response is being produced; a new request waits. */
  private boolean busy;
  /** The current request's body goes to the API (else it is dropped: reads have none). */
  private boolean relaying;
  /** Close once the current response is out. */
  private boolean closeAfter;
  private Channel client;
  private Channel upstream;
  /** Messages for the API while its connection is being opened. */
  private List<Object> connecting;
  /** The current exchange is a relay: from its request until the last of its response. */
  private boolean relayExchange;
  /** Whether the API's response to the current request has started. */
  private boolean responding;
  /** The API closes its connection after the current response. */
  private boolean apiClosing;

  FrontHandler(FileReads reads, InetSocketAddress api, FrontServer.Exchanges exchanges) {
    this.reads = reads;
    this.api = api;
    this.exchanges = exchanges;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    client = ctx.channel();
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!waiting.isEmpty() || (busy && msg instanceof HttpRequest)) {
      waiting.add(msg);
      updateReading();
      return;
    }
    handle(ctx, (HttpObject) msg);
  }

  private void handle(ChannelHandlerContext ctx, HttpObject msg) {
    if (msg instanceof HttpRequest request) {
      busy = true;
      exchanges.started();
      DecoderResult result = request.decoderResult();
      if (result.isFailure()) {
        ReferenceCountUtil.release(msg);
        refuse(ctx, result.cause());
        return;
      }
      closeAfter = !HttpUtil.isKeepAlive(request) || exchanges.draining();
      if (FileReads.accepts(request)) {
        relaying = false;
        if (HttpUtil.is100ContinueExpected(request)) {
          request.headers().remove(HttpHeaderNames.EXPECT); // a read's body is not wanted
        }
        reads.serve(ctx.channel(), request, !closeAfter, () -> exchangeDone(ctx));
      } else {
        relaying = true;
        relayExchange = true;
        responding = false;
        toApi(ctx, forwarded(request));
      }
      if (msg instanceof LastHttpContent) {
        relaying = false;
      }
      return;
    }
    HttpContent content = (HttpContent) msg;
    boolean last = content instanceof LastHttpContent;
    if (relaying) {
      toApi(ctx, content);
      if (last) {
        relaying = false;
      }
    } else {
      content.release();
    }
  }

  /** The request as the API gets it: without hop-by-hop headers, and saying who really sent it. */
  private HttpRequest forwarded(HttpRequest request) {
    var headers = request.headers();
    headers.remove(HttpHeaderNames.CONNECTION);
    headers.remove(HttpHeaderNames.KEEP_ALIVE);
    headers.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    headers.remove(HttpHeaderNames.UPGRADE);
    headers.remove(HttpHeaderNames.TE);
    if (HttpUtil.is100ContinueExpected(request)) {
      // Answered here, as a proxy may: the API never sends a 1xx that would have to be relayed.
      headers.remove(HttpHeaderNames.EXPECT);
      client.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
    if (client.remoteAddress() instanceof InetSocketAddress from) {
      String prior = headers.get("X-Forwarded-For");
      String address = from.getAddress().getHostAddress();
      headers.set("X-Forwarded-For", prior == null ? address : prior + ", " + address);
    }
    // An HTTP/1.0 client goes on as one: the API then delimits its answer by closing, never by
    // chunks, which such a client could not read. Its connection to the API is not reused.
    return request;
  }

  private void toApi(ChannelHandlerContext ctx, HttpObject msg) {
    if (upstream != null && upstream.isActive()) {
      upstream.writeAndFlush(msg);
      updateReading();
      return;
    }
    if (connecting != null) {
      connecting.add(msg);
      return;
    }
    connecting = new ArrayList<>();
    connecting.add(msg);
    client.config().setAutoRead(false); // nothing more piles up here until the API can take it
    Bootstrap bootstrap = new Bootstrap()
        .group(ctx.channel().eventLoop())
        .channel(FrontServer.clientChannelType(ctx.channel()))
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpClientCodec(8192, 64 << 10, 64 << 10), new FromApi(ctx));
          }
        });
    bootstrap.connect(api).addListener((ChannelFutureListener) f -> {
      List<Object> pending = connecting;
      connecting = null;
      if (!f.isSuccess()) {
        pending.forEach(ReferenceCountUtil::release);
        log.warn("The API at {} is unreachable: {}", api, f.cause().toString());
        badGateway(ctx);
        return;
      }
      upstream = f.channel();
      upstream.closeFuture().addListener(c -> apiClosed(ctx, (Channel) ((ChannelFuture) c).channel()));
      for (Object m : pending) {
        upstream.write(m);
      }
      upstream.flush();
      updateReading();
    });
  }

  /** The API's response, passed to the client as it comes. */
  private final class FromApi extends ChannelInboundHandlerAdapter {
    private final ChannelHandlerContext clientCtx;

    FromApi(ChannelHandlerContext clientCtx) {
      this.clientCtx = clientCtx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpResponse response) {
        responding = true;
        // Tomcat drops its connection after some errors (400, 413, 500, ...) and says so: this
        // connection takes no further request, the next one opens another.
        apiClosing = !HttpUtil.isKeepAlive(response);
        response.headers().remove(HttpHeaderNames.KEEP_ALIVE);
        boolean framed = HttpUtil.isContentLengthSet(response) || HttpUtil.isTransferEncodingChunked(response);
        if (!framed) {
          closeAfter = true; // a body that ends when the connection does
        }
        response.headers().set(HttpHeaderNames.CONNECTION, closeAfter ? HttpHeaderValues.CLOSE : HttpHeaderValues.KEEP_ALIVE);
      }
      if (msg instanceof LastHttpContent) {
        responding = false;
        relayExchange = false;
        if (apiClosing && upstream == ctx.channel()) {
          upstream = null;
          ctx.close();
        }
        client.writeAndFlush(msg);
        exchangeDone(clientCtx);
        return;
      }
      client.write(msg);
      if (!client.isWritable()) {
        client.flush();
        ctx.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      client.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      updateReading();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("Connection to the API failed: {}", cause.toString());
      ctx.close();
    }
  }

  private void apiClosed(ChannelHandlerContext ctx, Channel closed) {
    if (upstream != closed) {
      return;
    }
    upstream = null;
    if (relayExchange) {
      // Closed mid-exchange: before the response, the client hears 502; during it, its connection ends.
      relayExchange = false;
      relaying = false;
      if (responding) {
        ctx.close();
      } else {
        badGateway(ctx);
      }
    }
  }

  private void badGateway(ChannelHandlerContext ctx) {
    respond(ctx, HttpResponseStatus.BAD_GATEWAY, "The API behind the front server is unavailable");
  }

  /** A request the codec could not take: too long a line or headers, or malformed; the connection is closed after. */
  private void refuse(ChannelHandlerContext ctx, Throwable cause) {
    HttpResponseStatus status = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
        : cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
        : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
        : HttpResponseStatus.BAD_REQUEST;
    closeAfter = true;
    respond(ctx, status, "Malformed request: " + cause.getMessage());
  }

  private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, String detail) {
    FullHttpResponse response = FileReads.errorResponse(HttpVersion.HTTP_1_1, status, detail, null);
    HttpUtil.setKeepAlive(response, !closeAfter);
    ctx.writeAndFlush(response);
    exchangeDone(ctx);
  }

  /**
   * The response is written: a connection to be closed (the client asked, the API's answer ends
   * with its connection, a malformed request, the server stopping) is closed here, the one place,
   * once the response has left; else the next waiting request, if any, goes on, or the connection
   * is read again.
   */
  private void exchangeDone(ChannelHandlerContext ctx) {
    if (!busy) {
      return;
    }
    busy = false;
    exchanges.ended();
    if (closeAfter) {
      waiting.forEach(ReferenceCountUtil::release);
      waiting.clear();
      ctx.channel().config().setAutoRead(false);
      // Closed once everything written so far has left (the codec passes the empty buffer through).
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    while (!busy && !waiting.isEmpty()) {
      handle(ctx, (HttpObject) waiting.poll());
    }
    updateReading();
  }

  /** Read the client while nothing waits and the API can take it; read the API while the client can. */
  private void updateReading() {
    if (client == null) {
      return;
    }
    boolean apiWritable = upstream == null || upstream.isWritable();
    client.config().setAutoRead(waiting.isEmpty() && apiWritable);
    if (upstream != null) {
      upstream.config().setAutoRead(client.isWritable());
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    updateReading();
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if ((evt instanceof IdleStateEvent || evt == FrontServer.DRAIN) && !busy) {
      ctx.close(); // an idle keep-alive connection, or the server is stopping
      return;
    }
    if (evt == FrontServer.DRAIN) {
      closeAfter = true; // once the response in progress is out
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (busy) {
      busy = false;
      exchanges.ended();
    }
    waiting.forEach(ReferenceCountUtil::release);
    waiting.clear();
    if (upstream != null) {
      upstream.close();
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("Client connection failed: {}", cause.toString());
    ctx.close(); // a client that went away
  }
}
