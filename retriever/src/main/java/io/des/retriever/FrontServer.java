package io.des.retriever;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

/**
 * The retriever's public port ({@code server.port}, {@code server.address}): a Netty HTTP/1.1
 * server that answers reads of files itself ({@link FileReads}) and relays everything else to the
 * Spring application, whose servlet container listens on a loopback port of its own ({@link
 * FrontHandler}). Reads are the service's load; they skip the servlet stack, which took 35-40% of a
 * read's CPU (docs/performance.md).
 *
 * <p>Bounded: request line 8 KiB, headers {@code server.max-http-request-header-size}, open
 * connections {@code des.retriever.max-connections} (more are closed at once), idle connections
 * closed after {@code des.retriever.idle-timeout}.
 *
 * <p>Starts after the servlet container (whose port it needs) and stops before it. Once bound, it
 * is what {@code local.server.port} names, so a client (or a test) that asks the application for
 * its port gets the public one; the container's is {@code local.des.api.port}.
 */
final class FrontServer implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(FrontServer.class);
  /** Told to every connection when the server stops: idle ones close, busy ones after their response. */
  static final Object DRAIN = new Object();
  /** How long a stop waits for the responses in progress (within Kubernetes' default 30 s grace). */
  static final java.time.Duration DRAIN_TIMEOUT = java.time.Duration.ofSeconds(20);

  /** Exchanges in progress on all connections, and whether the server is stopping. */
  static final class Exchanges {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    void started() {
      inFlight.incrementAndGet();
    }

    void ended() {
      inFlight.decrementAndGet();
    }

    boolean draining() {
      return draining;
    }

    int inFlight() {
      return inFlight.get();
    }
  }

  private final WebServerApplicationContext context;
  private final ConfigurableEnvironment environment;
  private final FileReads reads;
  private final InetAddress address;
  private final int port;
  private final int maxHeaderBytes;
  private final int maxConnections;
  private final long idleSeconds;
  private final AtomicInteger connections = new AtomicInteger();
  private final Exchanges exchanges = new Exchanges();
  private final Counter refused;
  private ChannelGroup open;
  private EventLoopGroup loops;
  private Channel server;

  FrontServer(WebServerApplicationContext context, ConfigurableEnvironment environment, FileReads reads, InetAddress address, int port,
      int maxHeaderBytes, int maxConnections, long idleSeconds, MeterRegistry meters) {
    this.context = context;
    this.environment = environment;
    this.reads = reads;
    this.address = address;
    this.port = port;
    this.maxHeaderBytes = maxHeaderBytes;
    this.maxConnections = maxConnections;
    this.idleSeconds = idleSeconds;
    Gauge.builder("des.front.connections", connections, AtomicInteger::get).description("Open connections to the public port").register(meters);
    Gauge.builder("des.front.exchanges.in.flight", exchanges, Exchanges::inFlight).description("Requests being answered or relayed").register(meters);
    this.refused = Counter.builder("des.front.connections.refused").description("Connections closed on arrival: des.retriever.max-connections were open")
        .register(meters);
  }

  @Override
  public void start() {
    int apiPort = context.getWebServer().getPort();
    InetSocketAddress api = new InetSocketAddress(InetAddress.getLoopbackAddress(), apiPort);
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    loops = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), new DefaultThreadFactory("des-front", true), io);
    open = new DefaultChannelGroup("des-front", GlobalEventExecutor.INSTANCE);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(loops)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 << 10, 256 << 10))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (connections.incrementAndGet() > maxConnections) {
              connections.decrementAndGet();
              refused.increment();
              ch.close();
              return;
            }
            ch.closeFuture().addListener(f -> connections.decrementAndGet());
            open.add(ch);
            ch.pipeline().addLast(
                new IdleStateHandler(0, 0, idleSeconds, TimeUnit.SECONDS),
                new HttpServerCodec(8192, maxHeaderBytes, 64 << 10),
                new FrontHandler(reads, api, exchanges));
          }
        });
    try {
      server = bootstrap.bind(new InetSocketAddress(address, port)).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while binding " + address + ":" + port, e);
    } catch (RuntimeException e) {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IllegalStateException("Cannot listen on " + address.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
    }
    int bound = ((InetSocketAddress) server.localAddress()).getPort();
    publish(apiPort, bound);
    log.info("Serving on {}:{} ({}); the API behind it on 127.0.0.1:{}", address.getHostAddress(), bound, epoll ? "epoll" : "nio", apiPort);
  }

  /** {@code local.server.port} is the public port; the container's becomes {@code local.des.api.port}. */
  private void publish(int apiPort, int bound) {
    PropertySource<?> ports = environment.getPropertySources().get("server.ports");
    if (ports instanceof MapPropertySource map) {
      @SuppressWarnings("unchecked")
      java.util.Map<String, Object> source = (java.util.Map<String, Object>) map.getSource();
      source.put("local.des.api.port", apiPort);
      source.put("local.server.port", bound);
    } else {
      java.util.Map<String, Object> source = new java.util.HashMap<>();
      source.put("local.des.api.port", apiPort);
      source.put("local.server.port", bound);
      environment.getPropertySources().addFirst(new MapPropertySource("server.ports", source));
    }
  }

  /** The connected channel type that matches the server's transport. */
  static Class<? extends Channel> clientChannelType(Channel serving) {
    return serving instanceof io.netty.channel.epoll.EpollSocketChannel ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /**
   * Stops taking connections, closes the idle ones, lets the responses in progress finish (up to
   * {@link #DRAIN_TIMEOUT}; each connection closes after its own), then stops the event loops.
   * Runs before the servlet container stops, so relayed requests still have it behind them.
   */
  @Override
  public void stop() {
    if (server == null) {
      return;
    }
    server.close().syncUninterruptibly();
    server = null;
    exchanges.draining = true;
    open.forEach(ch -> ch.pipeline().fireUserEventTriggered(DRAIN));
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    while (exchanges.inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (exchanges.inFlight() > 0) {
      log.warn("Stopping with {} responses still in progress after {} s", exchanges.inFlight(), DRAIN_TIMEOUT.toSeconds());
    }
    loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    loops = null;
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }

  /** After the servlet container's lifecycle (whose port it relays to); stopped first. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }
}
