package io.des.repack;

import io.des.codec.Codec;
import io.des.codec.Compressors;
import io.des.storage.BlobStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to repack.
 *
 * @param grace how long a retired version stays after its swap before a purge deletes it (readers
 *     that located a file in it finish their ranged reads); zero purges at the next run
 * @param recompress the codec to re-encode every copied entry with, or null to copy stored bytes
 *     as they are (the default)
 * @param level the compression level for {@code recompress} (see {@link Compressors#compress})
 * @param repair where a healthy copy of a corrupt entry comes from, or null to drop corrupt entries
 * @param replicas copies of the archive kept elsewhere (a zone's secondaries, written by the
 *     storage's replication): a purge deletes each old version, orphan and erased BigFile content
 *     from every one of them too, and checks that it is gone, before it records an erasure
 */
public record RepackOptions(Duration grace, Codec recompress, int level, RepairSource repair, List<BlobStore> replicas) {

  public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

  public RepackOptions {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("Repack grace period must not be negative, got " + grace);
    }
    if (recompress != null) {
      Compressors.checkLevel(recompress, level);
    }
    replicas = List.copyOf(replicas);
  }

  /** A grace of 1 hour, no recompression, no repair, no replicas. */
  public static RepackOptions defaults() {
    return new RepackOptions(DEFAULT_GRACE, null, 0, null, List.of());
  }

  public RepackOptions withGrace(Duration grace) {
    return new RepackOptions(grace, recompress, level, repair, replicas);
  }

  public RepackOptions withRepair(RepairSource repair) {
    return new RepackOptions(grace, recompress, level, repair, replicas);
  }

  /** Erase old versions from these copies of the archive too (see {@code replicas} above). */
  public RepackOptions withReplicas(List<BlobStore> replicas) {
    return new RepackOptions(grace, recompress, level, repair, replicas);
  }

  /** Re-encode every copied entry with {@code codec} at {@code level} (a codec upgrade). */
  public RepackOptions withRecompression(Codec codec, int level) {
    return new RepackOptions(grace, Objects.requireNonNull(codec, "codec"), level, repair, replicas);
  }
}
