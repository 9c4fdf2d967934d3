package io.des.retriever;

import io.des.archive.Archive;
import io.des.codec.Codec;
import io.des.format.CorruptShardException;
import io.des.format.EntryNotFoundException;
import io.des.format.IndexEntry;
import io.des.routing.CreatedAt;
import io.des.routing.InvalidCreatedAtException;
import io.des.storage.StorageException;
import io.des.tombstone.FileDeletedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET} and {@code HEAD /files/{uid}?created_at=...}, answered on the public port by the
 * {@link FrontServer} itself: the upstream API (400 bad date, 404 unknown file, 410 deleted, 422
 * missing parameter, JSON error bodies; Range, ETag and If-None-Match) with no servlet container in
 * the way. {@code des_retrieval_seconds} is the one timer of a read.
 *
 * <p>The uid may contain slashes (folder-packed uids); the path is checked as Spring Security's
 * firewall checks it ({@link RequestPaths}). Content is verified against its checksum: entries up to
 * {@code max-buffered-bytes} before the response starts, larger ones as they stream (a corrupt large
 * entry cuts the connection rather than finishing a wrong body).
 *
 * <p>Threads: on a local store an entry is read on the connection's event loop, as nginx reads a
 * file on its worker (one {@code pread} of a shard kept open, a page-cache copy); on S3 a read waits
 * for the network, so it runs on the bounded {@code des-read} pool, and a full pool answers 503 with
 * Retry-After rather than queueing without bound. A large entry always streams from that pool, one
 * chunk in flight while the client is slower than the store.
 */
final class FileReads {
  private static final Logger log = LoggerFactory.getLogger(FileReads.class);
  static final String PATH = "/files";
  private static final AsciiString OCTET_STREAM = AsciiString.cached("application/octet-stream");
  private static final AsciiString JSON = AsciiString.cached("application/json");
  private static final AsciiString BYTES = AsciiString.cached("bytes");
  private static final AsciiString ZSTD = AsciiString.cached("zstd");
  /**
   * Largest entry sent as its stored zstd frame: RFC 9659 lets a client refuse windows over 8 MiB,
   * and a frame's window is at most its content.
   */
  static final long MAX_FRAME_CONTENT = 8L << 20;
  /** Response headers are ours (constants, numbers, an ETag of hex digits): no per-value validation. */
  private static final HttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
  private static final HttpHeadersFactory TRAILERS = DefaultHttpHeadersFactory.trailersFactory().withValidation(false);
  private static final JsonMapper ERROR_JSON = JsonMapper.builder().build();

  private final ArchiveSource source;
  private final long maxBuffered;
  private final ExecutorService blocking;
  private final boolean inline;
  private final Duration writeTimeout;
  private final MeterRegistry meters;
  private final String backend;
  private final Timer timer;
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

  /**
   * @param blocking where reads that wait (S3, large entries) run; bounded, and refusing when full
   * @param writeTimeout how long a streaming read waits for a slow client before it cuts it off
   */
  FileReads(ArchiveSource source, long maxBuffered, ExecutorService blocking, Duration writeTimeout, MeterRegistry meters) {
    this.source = source;
    this.maxBuffered = maxBuffered;
    this.blocking = blocking;
    this.writeTimeout = writeTimeout;
    this.meters = meters;
    this.backend = source.backend();
    this.inline = "local".equals(backend);
    this.timer = meters.timer("des.retrieval", "backend", backend);
  }

  /** Whether this request is one of ours: {@code GET} or {@code HEAD} of {@code /files} or below it. */
  static boolean accepts(HttpRequest request) {
    HttpMethod method = request.method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      return false;
    }
    String uri = request.uri();
    if (!uri.startsWith(PATH)) {
      return false;
    }
    int n = PATH.length();
    return uri.length() == n || uri.charAt(n) == '/' || uri.charAt(n) == '?';
  }

  /**
   * Answers {@code request} on {@code channel}, then runs {@code done} on the channel's event loop
   * once the whole response is written (or given up on). The response says whether the connection
   * stays open ({@code keepAlive}); closing it is the caller's, in {@code done}.
   */
  void serve(Channel channel, HttpRequest request, boolean keepAlive, Runnable done) {
    Exchange exchange = new Exchange(channel, request, keepAlive, done);
    if (inline) {
      exchange.run();
      return;
    }
    try {
      blocking.execute(exchange);
    } catch (RejectedExecutionException e) {
      exchange.error(HttpStatus.SERVICE_UNAVAILABLE, "Too many reads in progress; retry after 1 s", "1");
      exchange.finish("throttled");
    }
  }

  /** What one replica answered: where the file is, its validator, the range asked for and the body unless none is sent. */
  private record Found(Archive.Located located, String etag, ByteRange range, boolean unsatisfiable, EntryBody body, boolean frame) {}

  /** One read, from the request to the end of its response. */
  private final class Exchange implements Runnable {
    private final Channel channel;
    private final HttpRequest request;
    private final Runnable done;
    private final boolean keepAlive;
    private final long start = System.nanoTime();
    private String uid = "";

    Exchange(Channel channel, HttpRequest request, boolean keepAlive, Runnable done) {
      this.channel = channel;
      this.request = request;
      this.done = done;
      this.keepAlive = keepAlive;
    }

    @Override
    public void run() {
      String status = "error";
      try {
        status = answer();
      } catch (RuntimeException | Error e) {
        log.error("Read of uid '{}' failed", uid, e);
        error(HttpStatus.INTERNAL_SERVER_ERROR, "Internal server error", null);
      } finally {
        if (status != null) {
          finish(status);
        }
      }
    }

    /** The outcome for the metrics, or null when a stream took the response over and will finish it. */
    private String answer() {
      RequestPaths.Parsed parsed;
      try {
        parsed = RequestPaths.parse(request.uri());
      } catch (RequestPaths.RejectedException e) {
        log.debug("Rejecting request: {}", e.getMessage());
        error(HttpStatus.BAD_REQUEST, e.getMessage(), null);
        return "bad_request";
      }
      uid = parsed.path().length() <= PATH.length() + 1 ? "" : parsed.path().substring(PATH.length() + 1);
      List<String> values = parsed.query().get("created_at");
      if (values == null || values.isEmpty()) {
        error(HttpStatus.UNPROCESSABLE_CONTENT, "created_at is required", null);
        return "bad_request";
      }
      CreatedAt when;
      try {
        when = CreatedAt.parse(values.get(0));
      } catch (InvalidCreatedAtException e) {
        error(HttpStatus.BAD_REQUEST, "Invalid created_at format", null);
        return "bad_request";
      }
      boolean headersOnly = request.method() == HttpMethod.HEAD;
      String rangeHeader = joined(request.headers(), HttpHeaderNames.RANGE);
      String ifNoneMatch = joined(request.headers(), HttpHeaderNames.IF_NONE_MATCH);
      boolean acceptsFrame = rangeHeader == null && acceptsZstd(joined(request.headers(), HttpHeaderNames.ACCEPT_ENCODING));
      Found found;
      try {
        // Locating and (for small entries) reading happen against one replica; a failing replica
        // is left for the next one, so failover covers both.
        String theUid = uid;
        found = source.read(theUid, when, archive -> {
          Archive.Located at = archive.locate(theUid, when);
          boolean frame = acceptsFrame && servesFrame(at.entry());
          String tag = frame ? frameEtag(etag(at)) : etag(at);
          ByteRange r;
          try {
            r = ByteRange.parse(rangeHeader, at.entry().contentSize()).orElse(null);
          } catch (ByteRange.Unsatisfiable e) {
            return new Found(at, tag, null, true, null, false);
          }
          boolean noBody = headersOnly || matches(ifNoneMatch, tag);
          EntryBody body = noBody ? null : frame ? EntryBody.storedFrame(at) : EntryBody.of(at, r, maxBuffered);
          return new Found(at, tag, r, false, body, frame);
        });
      } catch (EntryNotFoundException | IllegalArgumentException e) {
        error(HttpStatus.NOT_FOUND, "File not found", null);
        return "not_found";
      } catch (FileDeletedException e) {
        error(HttpStatus.GONE, "File deleted", null);
        return "deleted";
      } catch (ZonedArchiveSource.BackpressureException | ZonedArchiveSource.ZoneUnavailableException | StorageException e) {
        ApiException answer = storageError(e, uid, log);
        error(answer.status(), answer.getMessage(), answer.retryAfter());
        return answer.status() == HttpStatus.TOO_MANY_REQUESTS ? "throttled" : "unavailable";
      } catch (CorruptShardException e) {
        log.error("Corrupt shard while reading uid '{}': {}", uid, e.getMessage());
        error(HttpStatus.INTERNAL_SERVER_ERROR, "Stored file is corrupt", null);
        return "corrupt";
      } catch (IOException e) {
        log.warn("Read of uid '{}' failed: {}", uid, e.toString());
        error(HttpStatus.SERVICE_UNAVAILABLE, "Storage unavailable", null);
        return "unavailable";
      }

      long size = found.located().entry().contentSize();
      String etag = found.etag();
      // Caches keep the two representations of an entry that has both apart.
      boolean varies = servesFrame(found.located().entry());
      if (matches(ifNoneMatch, etag)) {
        FullHttpResponse response = full(HttpResponseStatus.NOT_MODIFIED, null);
        response.headers().set(HttpHeaderNames.ETAG, etag);
        if (varies) {
          response.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
        }
        write(response);
        return "not_modified";
      }
      if (found.unsatisfiable()) {
        FullHttpResponse response = full(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE, null);
        response.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size);
        write(response);
        return "bad_range";
      }
      ByteRange range = found.range();
      HttpResponseStatus status = range == null ? HttpResponseStatus.OK : HttpResponseStatus.PARTIAL_CONTENT;
      long length = found.frame() ? found.located().entry().length() : range == null ? size : range.length();
      EntryBody body = found.body();
      HttpResponse response;
      if (headersOnly) {
        response = new DefaultFullHttpResponse(request.protocolVersion(), status, Unpooled.EMPTY_BUFFER, HEADERS, TRAILERS); // no read of the content
      } else if (body.bytes() != null) {
        ByteBuf content = Unpooled.wrappedBuffer(body.bytes(), body.offset(), body.length()); // the verified array, not a copy
        response = new DefaultFullHttpResponse(request.protocolVersion(), status, content, HEADERS, TRAILERS);
      } else {
        response = new DefaultHttpResponse(request.protocolVersion(), status, HEADERS);
      }
      HttpHeaders headers = response.headers();
      headers.set(HttpHeaderNames.CONTENT_TYPE, OCTET_STREAM);
      headers.set(HttpHeaderNames.ETAG, etag);
      headers.set(HttpHeaderNames.ACCEPT_RANGES, BYTES);
      if (found.frame()) {
        headers.set(HttpHeaderNames.CONTENT_ENCODING, ZSTD);
      }
      if (varies) {
        headers.set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_ENCODING);
      }
      HttpUtil.setContentLength(response, length);
      if (range != null) {
        headers.set(HttpHeaderNames.CONTENT_RANGE, range.contentRange(size));
      }
      if (headersOnly || body.bytes() != null) {
        write(response);
        return "ok";
      }
      // A large entry: streamed from the blocking pool, where waiting for the client is allowed.
      Runnable stream = () -> stream(response, body);
      if (channel.eventLoop().inEventLoop()) {
        try {
          blocking.execute(stream);
        } catch (RejectedExecutionException e) {
          error(HttpStatus.SERVICE_UNAVAILABLE, "Too many reads in progress; retry after 1 s", "1");
          return "throttled";
        }
      } else {
        stream.run();
      }
      return null;
    }

    /** Headers, then the verified stream; a store or checksum failure past the headers cuts the connection. */
    private void stream(HttpResponse response, EntryBody body) {
      String status = "error";
      try {
        HttpUtil.setKeepAlive(response, keepAlive);
        channel.write(response);
        body.streamer().writeTo(new ChannelOutput(channel, writeTimeout));
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        status = "ok";
      } catch (CorruptShardException e) {
        status = "corrupt";
        log.error("Corrupt shard while reading uid '{}': {}", uid, e.getMessage());
        channel.close();
      } catch (StorageException e) {
        status = "unavailable";
        log.warn("Storage failed while streaming uid '{}': {}", uid, e.getMessage());
        channel.close();
      } catch (IOException | RuntimeException e) {
        status = channel.isActive() ? "error" : "client_gone";
        log.debug("Streaming uid '{}' ended: {}", uid, e.toString());
        channel.close();
      } finally {
        finish(status);
      }
    }

    /** Upstream's error answer ({@link #errorResponse}). */
    void error(HttpStatus status, String detail, String retryAfter) {
      write(errorResponse(request.protocolVersion(), HttpResponseStatus.valueOf(status.value()), detail, retryAfter));
    }

    private FullHttpResponse full(HttpResponseStatus status, byte[] body) {
      FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status,
          body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body), HEADERS, TRAILERS);
      HttpUtil.setContentLength(response, body == null ? 0 : body.length);
      return response;
    }

    private void write(HttpResponse response) {
      HttpUtil.setKeepAlive(response, keepAlive);
      channel.writeAndFlush(response);
    }

    void finish(String status) {
      counters.computeIfAbsent(status, s -> meters.counter("des.retrievals", "backend", backend, "status", s)).increment();
      timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      if (channel.eventLoop().inEventLoop()) {
        done.run();
      } else {
        channel.eventLoop().execute(done);
      }
    }
  }

  /**
   * The body of a large entry as chunks on the channel: at most the channel's write buffer ahead of
   * the client, then it waits (up to the write timeout) for what is queued to leave.
   */
  private static final class ChannelOutput extends OutputStream {
    private final Channel channel;
    private final Duration timeout;

    ChannelOutput(Channel channel, Duration timeout) {
      this.channel = channel;
      this.timeout = timeout;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (!channel.isActive()) {
        throw new IOException("The client closed the connection");
      }
      if (len == 0) {
        return;
      }
      ChannelFuture written = channel.writeAndFlush(new DefaultHttpContent(channel.alloc().ioBuffer(len).writeBytes(b, off, len)));
      if (!channel.isWritable()) {
        try {
          if (!written.await(timeout.toMillis())) {
            throw new IOException("The client read nothing for " + timeout.toSeconds() + " s");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("Interrupted while streaming", e);
        }
        if (!written.isSuccess()) {
          throw new IOException("Write failed", written.cause());
        }
      }
    }
  }

  /** A header's value; several lines of it joined with commas. */
  private static String joined(HttpHeaders headers, CharSequence name) {
    List<String> values = headers.getAll(name);
    if (values.isEmpty()) {
      return null;
    }
    return values.size() == 1 ? values.get(0) : String.join(",", values);
  }

  /** Upstream's error answer: the status and {@code {"detail": ...}} ({@link ApiError}) with its length. */
  static FullHttpResponse errorResponse(HttpVersion version, HttpResponseStatus status, String detail, String retryAfter) {
    byte[] json = ERROR_JSON.writeValueAsBytes(new ApiError(detail));
    FullHttpResponse response = new DefaultFullHttpResponse(version, status, Unpooled.wrappedBuffer(json), HEADERS, TRAILERS);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON);
    HttpUtil.setContentLength(response, json.length);
    if (retryAfter != null) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
    }
    return response;
  }

  /** 429 with Retry-After for a zone out of budget; 503 "Storage unavailable" for a failing store. */
  static ApiException storageError(IOException e, String uid, Logger log) {
    if (e instanceof ZonedArchiveSource.BackpressureException busy) {
      long seconds = Math.max(1, busy.retryAfter().toSeconds());
      return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "Too many requests for this zone; retry after " + seconds + " s",
          Long.toString(seconds));
    }
    log.warn("Storage unavailable for uid '{}': {}", uid, e.getMessage());
    return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "Storage unavailable");
  }

  /**
   * Whether an entry can be sent as it is stored, as {@code Content-Encoding: zstd}: an inline zstd
   * frame whose stored bytes have a checksum of their own (they are verified without decoding), of
   * at most {@link #MAX_FRAME_CONTENT} and small enough to be read whole. Upstream shards have no
   * such checksum and are always decoded.
   */
  boolean servesFrame(IndexEntry e) {
    return !e.isBigFile() && e.codec() == Codec.ZSTD && e.storedCrc32c() != IndexEntry.NO_CHECKSUM
        && e.contentSize() <= MAX_FRAME_CONTENT && e.length() <= maxBuffered;
  }

  /** Whether an Accept-Encoding value names zstd with a non-zero quality ("*" is not taken for it). */
  static boolean acceptsZstd(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String coding : acceptEncoding.split(",")) {
      String[] parts = coding.split(";");
      if (!parts[0].trim().equalsIgnoreCase("zstd")) {
        continue;
      }
      for (int i = 1; i < parts.length; i++) {
        String param = parts[i].trim();
        if (param.length() > 2 && param.regionMatches(true, 0, "q=", 0, 2)) {
          try {
            return Double.parseDouble(param.substring(2).trim()) > 0;
          } catch (NumberFormatException e) {
            return false;
          }
        }
      }
      return true;
    }
    return false;
  }

  /** The validator of the zstd representation: the content's, marked, since its bytes differ. */
  static String frameEtag(String etag) {
    return etag.substring(0, etag.length() - 1) + "-zstd\"";
  }

  /**
   * A strong validator of the content: its CRC-32C and size when the entry has a checksum (the same
   * after a repack copies it), else where it is stored.
   */
  static String etag(Archive.Located located) {
    var e = located.entry();
    if (e.hasChecksum()) {
      return "\"" + Long.toHexString(e.crc32c()) + "-" + e.contentSize() + "\"";
    }
    if (e.isBigFile()) {
      return "\"" + e.bigFileSha256() + "\"";
    }
    return "\"" + located.shard().path().key() + "-" + e.offset() + "-" + e.length() + "\"";
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    return ifNoneMatch != null && (ifNoneMatch.trim().equals("*") || ifNoneMatch.contains(etag));
  }
}
