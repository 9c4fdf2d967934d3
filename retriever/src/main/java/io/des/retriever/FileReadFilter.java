package io.des.retriever;

import io.des.archive.Archive;
import io.des.format.CorruptShardException;
import io.des.format.EntryNotFoundException;
import io.des.routing.CreatedAt;
import io.des.routing.InvalidCreatedAtException;
import io.des.storage.StorageException;
import io.des.tombstone.FileDeletedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedException;

/**
 * {@code GET} and {@code HEAD /files/{uid}?created_at=...}, answered by a servlet filter in front of
 * everything else: the upstream API (400 bad date, 404 unknown file, 410 deleted, 422 missing
 * parameter, JSON error bodies; Range, ETag and If-None-Match), with none of Spring MVC's handler
 * lookup, argument resolution and message conversion, nor the {@code http.server.requests}
 * observation: {@code des_retrieval_seconds} is the one timer of a read. Every other request under
 * {@code /files} (the batch POST, DELETE, OPTIONS, ...) goes on down the chain to Spring MVC.
 *
 * <p>The uid may contain slashes (folder-packed uids). The request passes Spring Security's firewall
 * first, as it did through the security filter chain (encoded slashes, {@code ..}, {@code ;} are
 * refused with 400). Content is verified against its checksum: small entries before the response
 * starts, large ones as they stream (a corrupt large entry cuts the connection rather than
 * finishing a wrong body).
 */
final class FileReadFilter implements Filter {
  private static final Logger log = LoggerFactory.getLogger(FileReadFilter.class);
  static final String PATH = "/files";
  private static final String OCTET_STREAM = "application/octet-stream";
  private static final String JSON = "application/json";

  private final ArchiveSource source;
  private final long maxBuffered;
  private final HttpFirewall firewall;
  private final MeterRegistry meters;
  private final String backend;
  private final Timer timer;
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

  FileReadFilter(ArchiveSource source, long maxBuffered, HttpFirewall firewall, MeterRegistry meters) {
    this.source = source;
    this.maxBuffered = maxBuffered;
    this.firewall = firewall;
    this.meters = meters;
    this.backend = source.backend();
    this.timer = meters.timer("des.retrieval", "backend", backend);
  }

  /** What one replica answered: where the file is, its validator, the range asked for and the body unless none is sent. */
  private record Found(Archive.Located located, String etag, ByteRange range, boolean unsatisfiable, EntryBody body) {}

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
    HttpServletRequest request = (HttpServletRequest) req;
    String method = request.getMethod();
    boolean headersOnly = "HEAD".equals(method);
    if (!headersOnly && !"GET".equals(method)) {
      chain.doFilter(req, res);
      return;
    }
    HttpServletResponse response = (HttpServletResponse) res;
    try {
      request = firewall.getFirewalledRequest(request);
    } catch (RequestRejectedException e) {
      // What Spring Security's filter chain does with it (HttpStatusRequestRejectedHandler).
      log.debug("Rejecting request: {}", e.getMessage());
      response.sendError(HttpServletResponse.SC_BAD_REQUEST);
      return;
    }
    String createdAt = request.getParameter("created_at");
    if (createdAt == null) {
      error(response, HttpStatus.UNPROCESSABLE_CONTENT, "created_at is required", null);
      return;
    }
    read(uidOf(request), createdAt, header(request, HttpHeaders.RANGE), header(request, HttpHeaders.IF_NONE_MATCH), headersOnly, response);
  }

  private void read(String uid, String createdAt, String rangeHeader, String ifNoneMatch, boolean headersOnly, HttpServletResponse response)
      throws IOException {
    long start = System.nanoTime();
    String status = "error";
    try {
      CreatedAt when;
      try {
        when = CreatedAt.parse(createdAt);
      } catch (InvalidCreatedAtException e) {
        status = "bad_request";
        error(response, HttpStatus.BAD_REQUEST, "Invalid created_at format", null);
        return;
      }
      Found found;
      try {
        // Locating and (for small entries) reading happen against one replica; a failing replica
        // is left for the next one, so failover covers both.
        found = source.read(uid, when, archive -> {
          Archive.Located at = archive.locate(uid, when);
          String tag = etag(at);
          ByteRange r;
          try {
            r = ByteRange.parse(rangeHeader, at.entry().contentSize()).orElse(null);
          } catch (ByteRange.Unsatisfiable e) {
            return new Found(at, tag, null, true, null);
          }
          boolean noBody = headersOnly || matches(ifNoneMatch, tag);
          return new Found(at, tag, r, false, noBody ? null : EntryBody.of(at, r, maxBuffered));
        });
      } catch (EntryNotFoundException | IllegalArgumentException e) {
        status = "not_found";
        error(response, HttpStatus.NOT_FOUND, "File not found", null);
        return;
      } catch (FileDeletedException e) {
        status = "deleted";
        error(response, HttpStatus.GONE, "File deleted", null);
        return;
      }
      long size = found.located().entry().contentSize();
      String etag = found.etag();
      if (matches(ifNoneMatch, etag)) {
        status = "not_modified";
        response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
        response.setHeader(HttpHeaders.ETAG, etag);
        return;
      }
      if (found.unsatisfiable()) {
        status = "bad_range";
        response.setStatus(HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE);
        response.setHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
        response.setContentLength(0);
        return;
      }
      ByteRange range = found.range();
      response.setStatus(range == null ? HttpServletResponse.SC_OK : HttpServletResponse.SC_PARTIAL_CONTENT);
      response.setContentType(OCTET_STREAM);
      response.setHeader(HttpHeaders.ETAG, etag);
      response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
      response.setContentLengthLong(range == null ? size : range.length());
      if (range != null) {
        response.setHeader(HttpHeaders.CONTENT_RANGE, range.contentRange(size));
      }
      status = "ok";
      if (headersOnly) {
        return; // no read of the content
      }
      EntryBody body = found.body();
      if (body.bytes() != null) {
        response.getOutputStream().write(body.bytes(), body.offset(), body.length());
      } else {
        body.streamer().writeTo(response.getOutputStream()); // on this thread, straight to the socket
      }
    } catch (ZonedArchiveSource.BackpressureException | ZonedArchiveSource.ZoneUnavailableException | StorageException e) {
      ApiException answer = storageError(e, uid, log);
      status = answer.status() == HttpStatus.TOO_MANY_REQUESTS ? "throttled" : "unavailable";
      if (response.isCommitted()) {
        throw e; // a large entry whose store failed as it streamed: the connection is cut
      }
      error(response, answer.status(), answer.getMessage(), answer.retryAfter());
    } catch (CorruptShardException e) {
      status = "corrupt";
      log.error("Corrupt shard while reading uid '{}': {}", uid, e.getMessage());
      if (response.isCommitted()) {
        throw e; // a large entry, found corrupt as it streamed: the connection is cut
      }
      error(response, HttpStatus.INTERNAL_SERVER_ERROR, "Stored file is corrupt", null);
    } finally {
      counters.computeIfAbsent(status, s -> meters.counter("des.retrievals", "backend", backend, "status", s)).increment();
      timer.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
  }

  /** The uid: the decoded path after {@code /files/}, slashes and all. */
  private static String uidOf(HttpServletRequest request) {
    String path = request.getServletPath();
    String info = request.getPathInfo();
    if (info != null) {
      path = path + info;
    }
    return path.length() <= PATH.length() + 1 ? "" : path.substring(PATH.length() + 1);
  }

  /** A header's value; several lines of it joined with commas, as Spring MVC passed them. */
  private static String header(HttpServletRequest request, String name) {
    Enumeration<String> values = request.getHeaders(name);
    if (values == null || !values.hasMoreElements()) {
      return null;
    }
    String first = values.nextElement();
    if (!values.hasMoreElements()) {
      return first;
    }
    StringBuilder all = new StringBuilder(first);
    while (values.hasMoreElements()) {
      all.append(',').append(values.nextElement());
    }
    return all.toString();
  }

  /**
   * Upstream's error answer: the status and {@code {"detail": ...}}, in one write with its length,
   * in place of anything set or buffered so far (the response must not be committed).
   */
  static void error(HttpServletResponse response, HttpStatus status, String detail, String retryAfter) throws IOException {
    byte[] body = ("{\"detail\":" + jsonString(detail) + "}").getBytes(StandardCharsets.UTF_8);
    response.reset();
    response.setStatus(status.value());
    response.setContentType(JSON);
    if (retryAfter != null) {
      response.setHeader(HttpHeaders.RETRY_AFTER, retryAfter);
    }
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  static String jsonString(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
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
