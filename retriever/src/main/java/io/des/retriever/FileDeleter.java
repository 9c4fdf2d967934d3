package io.des.retriever;

import io.des.archive.Archive;
import io.des.routing.CreatedAt;
import io.des.routing.ShardKey;
import io.des.tombstone.DeletionReason;
import io.des.tombstone.FileDeletedException;
import io.des.tombstone.Tombstone;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes a file by tombstone. The file is found with the archive's normal lookup (through the
 * source, so a zone's failover applies); then one tombstone record is written to every location of
 * the file's zone, primary first, before the caller answers. The primary's exclusive create decides
 * between two concurrent DELETEs; the other locations get the winner's record. A location that fails
 * makes the whole call fail ({@link IncompleteException}) after the others were tried: a retry
 * completes it, since every write is create-if-absent.
 */
final class FileDeleter {

  /** What to record: the request's fields, as given. */
  record Request(String uid, CreatedAt createdAt, String createdAtText, String deletedBy, DeletionReason reason, String ticketId) {}

  /**
   * The tombstone every location now holds, and whether this call made the deletion ({@code
   * false}: the file was already deleted, or a concurrent DELETE won).
   */
  record Result(Tombstone tombstone, boolean created) {}

  /** Some location could not be written; the file may still be served from it. */
  static final class IncompleteException extends IOException {
    private static final long serialVersionUID = 1L;

    IncompleteException(String message, Throwable first) {
      super(message, first);
    }
  }

  private final ArchiveSource source;
  private final Duration erasureWindow;
  private final Clock clock;

  FileDeleter(ArchiveSource source, Duration erasureWindow, Clock clock) {
    this.source = source;
    this.erasureWindow = erasureWindow;
    this.clock = clock;
  }

  /** The file as one location saw it: its shard key and the tombstone it already has, if any. */
  private record Lookup(ShardKey key, Tombstone existing) {}

  /**
   * @throws io.des.format.EntryNotFoundException if no location knows the file (and none has a
   *     tombstone for it)
   * @throws IncompleteException if a location could not be written
   */
  Result delete(Request request) throws IOException {
    String uid = request.uid();
    Lookup lookup = source.read(uid, request.createdAt(), archive -> {
      ShardKey key = archive.router().route(uid, request.createdAt().routingDate());
      try {
        archive.locate(uid, request.createdAt());
        return new Lookup(key, null);
      } catch (FileDeletedException deleted) {
        return new Lookup(key, deleted.tombstone()); // still written where missing: completes a failed DELETE
      }
    });
    Tombstone record = lookup.existing() != null ? lookup.existing() : fresh(lookup.key(), request);
    boolean created = false;
    List<String> failures = new ArrayList<>();
    IOException first = null;
    List<ArchiveSource.Location> locations = source.locations(uid);
    for (int i = 0; i < locations.size(); i++) {
      Archive archive = locations.get(i).archive();
      try {
        boolean added = archive.tombstones().add(record);
        if (i == 0 && lookup.existing() == null) {
          created = added;
          if (!added) { // a concurrent DELETE created it first: its record is the one to copy
            record = archive.tombstones().find(lookup.key(), uid).orElse(record);
          }
        }
      } catch (IOException | RuntimeException e) {
        failures.add(locations.get(i).name() + ": " + e.getMessage());
        first = first == null ? (e instanceof IOException io ? io : new IOException(e)) : first;
      }
    }
    if (!failures.isEmpty()) {
      throw new IncompleteException("Tombstone written to " + (locations.size() - failures.size()) + " of " + locations.size()
          + " locations, retry the DELETE; failed: " + String.join("; ", failures), first);
    }
    return new Result(record, created);
  }

  private Tombstone fresh(ShardKey key, Request request) {
    Instant now = clock.instant();
    return new Tombstone(key, request.uid(), request.createdAtText(), now, request.deletedBy(), request.reason(), request.ticketId(),
        now.plus(erasureWindow));
  }
}
