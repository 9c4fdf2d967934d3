package io.des.coord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * {@link CheckpointStore} in a directory, for one process: a job's checkpoint is one file (layout in
 * {@link CheckpointFile}), written to a temporary file, forced to disk and renamed over the old one,
 * so a crash leaves the old or the new checkpoint and a restarted process resumes from it.
 *
 * <p>Saves of one job are serialized inside the process. Two processes must not share the
 * directory: between them the fence check and the rename are not one atomic step. Opening the store
 * removes temporary files a crash left behind and tombstones older than the retention.
 */
public final class LocalCheckpointStore implements CheckpointStore {
  private static final String TEMP_SUFFIX = ".tmp";
  private static final int STRIPES = 64;

  private final Path directory;
  private final int maxStateBytes;
  private final Duration tombstoneRetention;
  private final Clock clock;
  private final Object[] stripes = new Object[STRIPES];

  /** A store in {@code directory} (created if missing) with the default limits. */
  public LocalCheckpointStore(Path directory) {
    this(directory, DEFAULT_MAX_STATE_BYTES, DEFAULT_TOMBSTONE_RETENTION, Clock.systemUTC());
  }

  /** A store in {@code directory}; {@code clock} dates checkpoints and ages tombstones. */
  public LocalCheckpointStore(Path directory, int maxStateBytes, Duration tombstoneRetention, Clock clock) {
    CheckpointRules.checkSettings(maxStateBytes, tombstoneRetention);
    this.directory = directory;
    this.maxStateBytes = maxStateBytes;
    this.tombstoneRetention = tombstoneRetention;
    this.clock = clock;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Object();
    }
    try {
      Files.createDirectories(directory);
      removeLeftovers();
    } catch (IOException e) {
      throw new CoordinationException("Could not open the checkpoint directory " + directory, e);
    }
  }

  /** The directory the checkpoints live in. */
  public Path directory() {
    return directory;
  }

  @Override
  public Optional<Checkpoint> load(String jobId) {
    CheckpointRules.checkJobId(jobId);
    synchronized (stripe(jobId)) {
      CheckpointFile.Entry entry = read(jobId);
      if (entry == null || entry.isTombstone()) {
        return Optional.empty();
      }
      return Optional.of(new Checkpoint(jobId, entry.fence(), entry.state(), entry.savedAt()));
    }
  }

  @Override
  public void save(String jobId, long fence, byte[] state) {
    CheckpointRules.checkSave(jobId, fence, state, maxStateBytes);
    write("Save of job " + jobId + "'s checkpoint", jobId, fence, state.clone());
  }

  @Override
  public void delete(String jobId, long fence) {
    CheckpointRules.checkDelete(jobId, fence);
    write("Delete of job " + jobId + "'s checkpoint", jobId, fence, null);
  }

  @Override
  public int maxStateBytes() {
    return maxStateBytes;
  }

  private void write(String what, String jobId, long fence, byte[] stateOrNull) {
    synchronized (stripe(jobId)) {
      CheckpointFile.Entry current = read(jobId);
      if (current != null && current.fence() > fence) {
        throw new FencedOutException(what, fence, current.fence());
      }
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      byte[] bytes = CheckpointFile.encode(new CheckpointFile.Entry(fence, now, stateOrNull));
      Path file = file(jobId);
      Path temp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
      try {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
          ByteBuffer buffer = ByteBuffer.wrap(bytes);
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
          channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // The rename is durable only once the directory entry is.
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
          dir.force(true);
        }
      } catch (IOException e) {
        throw new CoordinationException(what + " failed in " + directory, e);
      }
    }
  }

  /** The job's entry, or null if there is none or only an expired tombstone. */
  private CheckpointFile.Entry read(String jobId) {
    Path file = file(jobId);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new CoordinationException("Could not read the checkpoint of job " + jobId + " from " + file, e);
    }
    CheckpointFile.Entry entry = CheckpointFile.decode(jobId, file, bytes);
    return entry.isTombstone() && expired(entry) ? null : entry;
  }

  private boolean expired(CheckpointFile.Entry tombstone) {
    return tombstone.savedAt().plus(tombstoneRetention).isBefore(clock.instant());
  }

  private void removeLeftovers() throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.endsWith(CheckpointFile.SUFFIX + TEMP_SUFFIX)) {
          Files.deleteIfExists(file);
        } else if (name.endsWith(CheckpointFile.SUFFIX) && Files.size(file) == CheckpointFile.MIN_LENGTH) {
          // A tombstone has no state, so it is exactly the minimum length; checkpoints are left unread.
          CheckpointFile.Entry entry = CheckpointFile.decode(name, file, Files.readAllBytes(file));
          if (entry.isTombstone() && expired(entry)) {
            Files.deleteIfExists(file);
          }
        }
      }
    } catch (DirectoryIteratorException e) {
      throw e.getCause();
    }
  }

  private Path file(String jobId) {
    return directory.resolve(CheckpointFile.fileName(jobId));
  }

  private Object stripe(String jobId) {
    return stripes[Math.floorMod(jobId.hashCode(), STRIPES)];
  }
}
