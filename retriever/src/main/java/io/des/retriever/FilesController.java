package io.des.retriever;

import io.des.archive.Archive;
import io.des.format.CorruptShardException;
import io.des.format.EntryNotFoundException;
import io.des.routing.CreatedAt;
import io.des.routing.InvalidCreatedAtException;
import io.des.tombstone.FileDeletedException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /files/{uid}?created_at=...}: the upstream API (400 bad date, 404 unknown file, 422
 * missing parameter, JSON error bodies). The uid may contain slashes (folder-packed uids). Content
 * is verified against its checksum: small entries before the response starts, large ones as they
 * stream (a corrupt large entry cuts the connection rather than finishing a wrong body).
 */
@RestController
class FilesController {
  private static final Logger log = LoggerFactory.getLogger(FilesController.class);

  private final ArchiveSource source;
  private final RetrieverProperties properties;
  private final MeterRegistry meters;
  private final String backend;

  FilesController(ArchiveSource source, RetrieverProperties properties, MeterRegistry meters) {
    this.source = source;
    this.properties = properties;
    this.meters = meters;
    this.backend = source.backend();
  }

  /**
   * What one replica answered: where the file is, its validator, the satisfiable range asked for
   * (null for all of it) or that the range was unsatisfiable, and the body unless none is sent.
   */
  private record Found(Archive.Located located, String etag, ByteRange range, boolean unsatisfiable, EntryBody body) {}

  @GetMapping("/files/{*uid}")
  ResponseEntity<byte[]> get(
      @PathVariable("uid") String path,
      @RequestParam("created_at") String createdAt,
      @RequestHeader(value = HttpHeaders.RANGE, required = false) String rangeHeader,
      @RequestHeader(value = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
      HttpServletRequest request,
      HttpServletResponse servletResponse)
      throws IOException {
    String uid = uidOf(path);
    Timer.Sample sample = Timer.start(meters);
    String status = "error";
    try {
      CreatedAt when;
      try {
        when = CreatedAt.parse(createdAt);
      } catch (InvalidCreatedAtException e) {
        status = "bad_request";
        throw new ApiException(HttpStatus.BAD_REQUEST, "Invalid created_at format");
      }
      boolean headersOnly = "HEAD".equals(request.getMethod());
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
          return new Found(at, tag, r, false, noBody ? null : EntryBody.of(at, r, properties.maxBufferedBytes()));
        });
      } catch (EntryNotFoundException | IllegalArgumentException e) {
        status = "not_found";
        throw new ApiException(HttpStatus.NOT_FOUND, "File not found");
      } catch (FileDeletedException e) {
        status = "deleted";
        throw new ApiException(HttpStatus.GONE, "File deleted");
      }
      long size = found.located().entry().contentSize();
      String etag = found.etag();
      if (matches(ifNoneMatch, etag)) {
        status = "not_modified";
        return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
      }
      if (found.unsatisfiable()) {
        status = "bad_range";
        return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            .header(HttpHeaders.CONTENT_RANGE, "bytes */" + size).build();
      }
      ByteRange range = found.range();
      HttpStatus code = range == null ? HttpStatus.OK : HttpStatus.PARTIAL_CONTENT;
      HttpHeaders headers = new HttpHeaders();
      headers.setContentType(MediaType.APPLICATION_OCTET_STREAM);
      headers.setETag(etag);
      headers.set(HttpHeaders.ACCEPT_RANGES, "bytes");
      headers.setContentLength(range == null ? size : range.length());
      if (range != null) {
        headers.set(HttpHeaders.CONTENT_RANGE, range.contentRange(size));
      }
      status = "ok";
      if (headersOnly) {
        return ResponseEntity.status(code).headers(headers).build(); // no read of the content
      }
      if (found.body().bytes() != null) {
        return ResponseEntity.status(code).headers(headers).body(found.body().bytes());
      }
      // Large: streamed on this thread (no async hand-off), straight to the servlet response.
      servletResponse.setStatus(code.value());
      headers.forEach((name, values) -> values.forEach(v -> servletResponse.addHeader(name, v)));
      found.body().streamer().writeTo(servletResponse.getOutputStream());
      return null;
    } catch (ZonedArchiveSource.BackpressureException | ZonedArchiveSource.ZoneUnavailableException | io.des.storage.StorageException e) {
      ApiException answer = storageError(e, uid, log);
      status = answer.status() == HttpStatus.TOO_MANY_REQUESTS ? "throttled" : "unavailable";
      throw answer;
    } catch (CorruptShardException e) {
      status = "corrupt";
      log.error("Corrupt shard while reading uid '{}': {}", uid, e.getMessage());
      throw new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "Stored file is corrupt");
    } finally {
      meters.counter("des.retrievals", "backend", backend, "status", status).increment();
      sample.stop(meters.timer("des.retrieval", "backend", backend));
    }
  }

  /** The uid of a {@code /files/{*uid}} path variable, which keeps its leading slash. */
  static String uidOf(String path) {
    return path.startsWith("/") ? path.substring(1) : path;
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
