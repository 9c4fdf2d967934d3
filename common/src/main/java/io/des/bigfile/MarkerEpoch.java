package io.des.bigfile;

import io.des.storage.BlobAlreadyExistsException;
import io.des.storage.BlobInfo;
import io.des.storage.BlobNotFoundException;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * When the archive's packers started writing reference markers, kept in {@code
 * _des/bigfile-refs.json}: written once with an exclusive create, never changed. {@code since} is the
 * record's own modification time, from the store's clock like the BigFile blobs' times it is compared
 * with. A BigFile blob created before {@link #completeAfter()} may be referenced by entries that have
 * no marker (packed by upstream, or by a DES from before markers, which may still run for a while
 * during a rolling upgrade: the {@code margin}), so its marker listing proves nothing and no purge
 * deletes it.
 *
 * @param margin zero for an archive that DES created empty (every BigFile in it has markers), {@link
 *     #UPGRADE_MARGIN} for one that held data before
 */
public record MarkerEpoch(Instant since, Duration margin) {
  public static final BlobPath PATH = BlobPath.of("_des/bigfile-refs.json");
  /** How long writers without markers may still run after the first one with markers: a rolling upgrade. */
  public static final Duration UPGRADE_MARGIN = Duration.ofHours(1);
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  /** Blobs created at or after this time have a marker for every reference. */
  public Instant completeAfter() {
    return since.plus(margin);
  }

  /** Whether every entry referencing a BigFile blob last modified at {@code created} has its marker. */
  public boolean covers(Instant created) {
    return !created.isBefore(completeAfter());
  }

  /** The archive's epoch, or empty if no packer with markers ever wrote to it (every BigFile predates markers). */
  public static Optional<MarkerEpoch> read(BlobStore store) throws IOException {
    Optional<BlobInfo> info = store.stat(PATH);
    if (info.isEmpty()) {
      return Optional.empty();
    }
    byte[] json;
    try (InputStream in = store.open(PATH)) {
      json = in.readNBytes(1 << 12);
    } catch (BlobNotFoundException e) {
      return Optional.empty();
    }
    try {
      JsonNode node = MAPPER.readTree(json);
      long seconds = node.path("margin_seconds").asLong(-1);
      if (node.path("format").asInt(-1) != 1 || seconds < 0) {
        throw new IOException("Invalid " + PATH + " in " + store.describe() + ": " + new String(json, StandardCharsets.UTF_8));
      }
      return Optional.of(new MarkerEpoch(info.get().lastModified(), Duration.ofSeconds(seconds)));
    } catch (JacksonException e) {
      throw new IOException("Invalid " + PATH + " in " + store.describe() + ": " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Records that markers start now, with {@code margin}, unless the archive already records an
   * epoch (that one is kept and returned). Must happen before the first marker is written.
   */
  public static MarkerEpoch start(BlobStore store, Duration margin) throws IOException {
    byte[] json = ("{\"format\":1,\"margin_seconds\":" + margin.toSeconds() + "}").getBytes(StandardCharsets.UTF_8);
    try {
      store.putExclusive(PATH, json);
    } catch (BlobAlreadyExistsException exists) {
      // recorded before (by another packer): that epoch stands
    }
    // read back: the time must be the store's (S3 uploads report the client's clock)
    return read(store).orElseThrow(() -> new IOException(PATH + " in " + store.describe() + " vanished after its create: deleted by hand?"));
  }
}
