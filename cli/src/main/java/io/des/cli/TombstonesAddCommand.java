package io.des.cli;

import io.des.archive.Archive;
import io.des.routing.CreatedAt;
import io.des.routing.ShardKey;
import io.des.storage.BlobStore;
import io.des.tombstone.DeletionReason;
import io.des.tombstone.Tombstone;
import io.des.tombstone.TombstoneStore;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code des tombstones add}: deletes one file, as {@code DELETE /files/{uid}} does: the file must be
 * in the archive; its tombstone hides it at once, for any created_at of its day.
 */
@Command(name = "add", mixinStandardHelpOptions = true, description = {
    "Deletes a file: writes its tombstone, which hides it from every reader at once.",
    "Exit status 1 if the archive has no such file, 3 if it was already deleted."})
final class TombstonesAddCommand implements Callable<Integer> {
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)([smhd])");

  @Spec CommandSpec spec;
  @Mixin StoreOptions store;

  @Parameters(index = "0", paramLabel = "UID", description = "The file's uid.") String uid;
  @Option(names = "--created-at", required = true, paramLabel = "ISO", description = "The file's created_at (a date is enough).") String createdAt;
  @Option(names = "--deleted-by", required = true, paramLabel = "WHO", description = "Who asks for the deletion.") String deletedBy;
  @Option(names = "--reason", required = true, paramLabel = "REASON", description = "GDPR, retention_expired or user_request.") String reason;
  @Option(names = "--ticket", paramLabel = "ID", description = "The ticket of the request.") String ticket;
  @Option(names = "--erasure-window", paramLabel = "DURATION", defaultValue = "48h",
      description = "How soon the bytes must be erased: 48h, 90m, 2d or ISO 8601 (default: ${DEFAULT-VALUE}).") String erasureWindow;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CreatedAt when;
    Duration window;
    Optional<DeletionReason> why = DeletionReason.parse(reason);
    try {
      when = CreatedAt.parse(createdAt);
      window = duration(erasureWindow);
    } catch (IllegalArgumentException e) { // InvalidCreatedAtException among them
      err.println("des tombstones add: " + e.getMessage());
      return DesCommand.BAD_INPUT;
    }
    if (deletedBy.isBlank()) {
      err.println("des tombstones add: --deleted-by must not be blank");
      return DesCommand.BAD_INPUT;
    }
    if (why.isEmpty()) {
      err.println("des tombstones add: unknown reason '" + reason + "' (expected "
          + Arrays.stream(DeletionReason.values()).map(DeletionReason::wire).collect(Collectors.joining(", ")) + ")");
      return DesCommand.BAD_INPUT;
    }
    try (BlobStore blobs = store.openStore()) {
      Archive archive = store.openArchive(blobs);
      TombstoneStore tombstones = archive.tombstones();
      ShardKey key = archive.router().route(uid, when);
      Optional<Tombstone> earlier = tombstones.find(key, uid);
      if (earlier.isEmpty()) {
        if (archive.locateIn(key, uid).isEmpty()) {
          err.println("des tombstones add: UID '" + uid + "' not found for date " + key.dateDir() + " in " + blobs.describe());
          return DesCommand.FAILED;
        }
        Instant now = Instant.now();
        Tombstone tombstone = new Tombstone(key, uid, createdAt, now, deletedBy, why.get(), ticket, now.plus(window));
        if (tombstones.add(tombstone)) {
          out.printf("Deleted UID '%s' of %s (%s); its bytes are to be erased by %s.%n", uid, key, why.get().wire(), tombstone.eraseBy());
          return DesCommand.OK;
        }
        earlier = tombstones.find(key, uid); // another deleter won the race
      }
      Tombstone t = earlier.orElseThrow();
      err.printf("des tombstones add: UID '%s' of %s was already deleted at %s by %s (%s)%n", uid, key, t.deletedAt(), t.deletedBy(), t.reason().wire());
      return DesCommand.ALREADY_DELETED;
    }
  }

  /** {@code 48h}, {@code 90m}, {@code 2d}, {@code 30s}, or ISO 8601 ({@code PT48H}); positive. */
  static Duration duration(String text) {
    Matcher m = SHORT_DURATION.matcher(text);
    Duration d;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } else {
      try {
        d = Duration.parse(text);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("Invalid duration '" + text + "': expected 48h, 90m, 2d or ISO 8601 such as PT48H");
      }
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("Invalid duration '" + text + "': negative");
    }
    return d;
  }
}
