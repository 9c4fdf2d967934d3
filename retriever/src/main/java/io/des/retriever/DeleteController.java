package io.des.retriever;

import io.des.format.EntryNotFoundException;
import io.des.routing.CreatedAt;
import io.des.routing.InvalidCreatedAtException;
import io.des.tombstone.DeletionReason;
import io.des.tombstone.Tombstone;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.security.Principal;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code DELETE /files/{uid}?created_at=&deleted_by=&reason=&ticket_id=}: upstream's deletion API,
 * by tombstone. Only authenticated callers get here ({@link DeleteSecurityConfiguration}); then, in
 * upstream's order: 400 "deleted_by is required", 400 "Invalid created_at format", 422 for a reason
 * other than GDPR, retention_expired or user_request, 404 "File not found", 410 "File already
 * deleted", 200 {@code {"status":"tombstoned", ...}} with the promised {@code erase_by}.
 */
@RestController
class DeleteController {
  private static final Logger log = LoggerFactory.getLogger(DeleteController.class);
  private static final String REASONS =
      Arrays.stream(DeletionReason.values()).map(DeletionReason::wire).collect(Collectors.joining(", "));

  private final FileDeleter deleter;
  private final MeterRegistry meters;

  DeleteController(ArchiveSource source, RetrieverProperties properties, MeterRegistry meters) {
    this.deleter = new FileDeleter(source, properties.erasureWindow(), Clock.systemUTC());
    this.meters = meters;
  }

  @DeleteMapping("/files/{*uid}")
  Map<String, Object> delete(
      @PathVariable("uid") String path,
      @RequestParam(value = "created_at", required = false) String createdAt,
      @RequestParam(value = "deleted_by", required = false) String deletedBy,
      @RequestParam(value = "reason", required = false) String reason,
      @RequestParam(value = "ticket_id", required = false) String ticketId,
      Principal caller)
      throws IOException {
    String uid = path.startsWith("/") ? path.substring(1) : path;
    String outcome = "error";
    try {
      FileDeleter.Request request;
      try {
        request = request(uid, createdAt, deletedBy != null ? deletedBy : subject(caller), reason, ticketId);
      } catch (ApiException e) {
        outcome = "bad_request";
        throw e;
      }
      FileDeleter.Result result;
      try {
        result = deleter.delete(request);
      } catch (EntryNotFoundException | IllegalArgumentException e) {
        outcome = "not_found";
        throw new ApiException(HttpStatus.NOT_FOUND, "File not found");
      } catch (FileDeleter.IncompleteException e) {
        outcome = "incomplete";
        log.warn("DELETE of uid '{}' incomplete: {}", uid, e.getMessage());
        throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
      }
      Tombstone t = result.tombstone();
      if (!result.created()) {
        outcome = "already_deleted";
        throw new ApiException(HttpStatus.GONE, "File already deleted");
      }
      outcome = "tombstoned";
      // des_tombstones_total: the Prometheus client reserves a "_created" suffix, so upstream's
      // des_tombstones_created_total cannot be exported under that name.
      meters.counter("des.tombstones", "reason", t.reason().wire()).increment();
      log.info("Tombstoned uid '{}' of {} (created_at {}): deleted_by '{}', reason {}, ticket {}, erase by {}", uid, t.key(),
          t.createdAt(), t.deletedBy(), t.reason().wire(), t.ticketId(), t.eraseBy());
      return body(t);
    } catch (ZonedArchiveSource.BackpressureException | ZonedArchiveSource.ZoneUnavailableException | io.des.storage.StorageException e) {
      ApiException answer = FileReads.storageError(e, uid, log);
      outcome = answer.status() == HttpStatus.TOO_MANY_REQUESTS ? "throttled" : "unavailable";
      throw answer;
    } finally {
      meters.counter("des.deletes", "outcome", outcome).increment();
    }
  }

  /** Checks the parameters in upstream's order. */
  private static FileDeleter.Request request(String uid, String createdAt, String deletedBy, String reason, String ticketId) {
    if (deletedBy == null) {
      throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "deleted_by is required");
    }
    if (deletedBy.isBlank()) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "deleted_by is required");
    }
    if (createdAt == null) {
      throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "created_at is required");
    }
    CreatedAt when;
    try {
      when = CreatedAt.parse(createdAt);
    } catch (InvalidCreatedAtException e) {
      throw new ApiException(HttpStatus.BAD_REQUEST, "Invalid created_at format");
    }
    if (reason == null) {
      throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "reason is required");
    }
    DeletionReason why = DeletionReason.parse(reason).orElseThrow(() ->
        new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "reason must be one of " + REASONS + ", got '" + reason + "'"));
    return new FileDeleter.Request(uid, when, createdAt, deletedBy, why, ticketId);
  }

  /** A JWT caller's subject stands in for a missing deleted_by; an API key names nobody. */
  private static String subject(Principal caller) {
    return caller instanceof JwtAuthenticationToken jwt ? jwt.getToken().getSubject() : null;
  }

  private static Map<String, Object> body(Tombstone t) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "tombstoned");
    body.put("uid", t.uid());
    body.put("created_at", t.createdAt());
    body.put("deleted_at", t.deletedAt().toString());
    body.put("deleted_by", t.deletedBy());
    body.put("reason", t.reason().wire());
    body.put("ticket_id", t.ticketId());
    body.put("erase_by", t.eraseBy().toString());
    return body;
  }
}
