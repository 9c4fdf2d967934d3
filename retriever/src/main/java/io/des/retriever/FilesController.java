package io.des.retriever;

import io.des.archive.Archive;
import io.des.format.CorruptShardException;
import io.des.format.EntryNotFoundException;
import io.des.routing.CreatedAt;
import io.des.routing.InvalidCreatedAtException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * {@code GET /files/{uid}?created_at=...}: the upstream API (400 bad date, 404 unknown file, 422
 * missing parameter, JSON error bodies). The uid may contain slashes (folder-packed uids). Content
 * is verified against its checksum: small entries before the response starts, large ones as they
 * stream (a corrupt large entry cuts the connection rather than finishing a wrong body).
 */
@RestController
class FilesController {
  private static final Logger log = LoggerFactory.getLogger(FilesController.class);

  private final Archive archive;
  private final RetrieverProperties properties;
  private final MeterRegistry meters;
  private final String backend;

  FilesController(Archive archive, RetrieverProperties properties, MeterRegistry meters) {
    this.archive = archive;
    this.properties = properties;
    this.meters = meters;
    this.backend = properties.store().startsWith("s3://") ? "s3" : "local";
  }

  @GetMapping("/files/{*uid}")
  ResponseEntity<StreamingResponseBody> get(@PathVariable("uid") String path, @RequestParam("created_at") String createdAt)
      throws IOException {
    String uid = path.startsWith("/") ? path.substring(1) : path;
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
      Archive.Located located;
      try {
        located = archive.locate(uid, when);
      } catch (EntryNotFoundException | IllegalArgumentException e) {
        status = "not_found";
        throw new ApiException(HttpStatus.NOT_FOUND, "File not found");
      }
      long size = located.entry().contentSize();
      StreamingResponseBody body;
      if (size <= properties.maxBufferedBytes()) {
        byte[] content = located.shard().read(uid); // verified before a byte is sent
        body = out -> out.write(content);
      } else {
        body = out -> {
          try (InputStream in = located.shard().openEntry(located.entry())) {
            in.transferTo(out);
          }
        };
      }
      status = "ok";
      return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).contentLength(size).body(body);
    } catch (CorruptShardException e) {
      status = "corrupt";
      log.error("Corrupt shard while reading uid '{}': {}", uid, e.getMessage());
      throw new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "Stored file is corrupt");
    } finally {
      meters.counter("des.retrievals", "backend", backend, "status", status).increment();
      sample.stop(meters.timer("des.retrieval", "backend", backend));
    }
  }

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ApiError> api(ApiException e) {
    return error(e.status(), e.getMessage());
  }

  @ExceptionHandler(MissingServletRequestParameterException.class)
  ResponseEntity<ApiError> missing(MissingServletRequestParameterException e) {
    return error(HttpStatus.UNPROCESSABLE_CONTENT, e.getParameterName() + " is required");
  }

  private static ResponseEntity<ApiError> error(HttpStatus status, String detail) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(new ApiError(detail));
  }
}
