package io.des.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Not DES: the ceiling of a Java read path on this machine, for {@code bench/read-vs-nginx.sh
 * --ceiling}. Serves {@code GET /<relative path>} of a folder over Netty (epoll, one event loop per core) with one
 * positional read of a file kept open, as the retriever reads an entry from a shard it keeps open,
 * and nothing else: no locate, no checks, no metrics. What it serves against nginx on the same files
 * says how much of the gap between the retriever and nginx the transport can close.
 *
 * <p>Usage: {@code java -cp des-bench.jar io.des.bench.ReadCeilingServer FOLDER PORT [THREADS]}
 */
public final class ReadCeilingServer {
  private ReadCeilingServer() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 2) {
      System.err.println("Usage: ReadCeilingServer FOLDER PORT [THREADS (2)]");
      System.exit(2);
    }
    Path root = Path.of(args[0]).toAbsolutePath().normalize();
    int port = Integer.parseInt(args[1]);
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
    Files files = new Files(root);
    EventLoopGroup loops = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
    try {
      new ServerBootstrap().group(loops).channel(EpollServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new HttpServerCodec(), new Handler(files));
            }
          })
          .bind("127.0.0.1", port).sync().channel().closeFuture().sync();
    } finally {
      loops.shutdownGracefully();
    }
  }

  /** The files served, opened once each (as shards are kept open). */
  private static final class Files {
    private final Path root;
    private final ConcurrentHashMap<String, FileChannel> open = new ConcurrentHashMap<>();

    Files(Path root) {
      this.root = root;
    }

    FileChannel get(String relative) {
      return open.computeIfAbsent(relative, r -> {
        Path p = root.resolve(r).normalize();
        if (!p.startsWith(root)) {
          return null;
        }
        try {
          return FileChannel.open(p);
        } catch (IOException e) {
          return null;
        }
      });
    }
  }

  private static final class Handler extends SimpleChannelInboundHandler<HttpObject> {
    private final Files files;

    Handler(Files files) {
      this.files = files;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) throws IOException {
      if (!(msg instanceof HttpRequest request)) {
        return;
      }
      FileChannel file = files.get(request.uri().substring(1));
      FullHttpResponse response;
      if (file == null) {
        response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
      } else {
        int size = (int) file.size();
        ByteBuf body = ctx.alloc().ioBuffer(size);
        for (int read = 0, n; read < size && (n = body.writeBytes(file, read, size - read)) > 0; ) {
          read += n;
        }
        response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
      }
      HttpUtil.setContentLength(response, response.content().readableBytes());
      ctx.write(response);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a client that went away (wrk resets its connections at the end of a run)
    }
  }
}
