package io.des.retriever;

import io.des.archive.Archive;
import io.des.routing.CreatedAt;
import java.io.IOException;
import java.util.List;

/** Where reads go: one archive, or the replicas of the zone that holds the file's shard. */
interface ArchiveSource {

  /** Work done against one archive; may be repeated on another replica if this one fails. */
  @FunctionalInterface
  interface ReadAction<T> {
    T apply(Archive archive) throws IOException;
  }

  <T> T read(String uid, CreatedAt createdAt, ReadAction<T> action) throws IOException;

  /** One copy of the archive, named for messages and metrics. */
  record Location(String name, Archive archive) {}

  /**
   * Every copy of the archive that may serve {@code uid}, in read order (a zone's primary first):
   * where a tombstone must be written so that no read, failover included, serves the file.
   *
   * @throws io.des.format.EntryNotFoundException if no zone covers the uid's shard index
   */
  List<Location> locations(String uid) throws IOException;

  /** The metrics tag: local, s3 or multi_s3. */
  String backend();

  /** One archive, no failover. */
  static ArchiveSource single(Archive archive, String backend) {
    return new ArchiveSource() {
      @Override
      public <T> T read(String uid, CreatedAt createdAt, ReadAction<T> action) throws IOException {
        return action.apply(archive);
      }

      @Override
      public List<Location> locations(String uid) {
        return List.of(new Location(backend, archive));
      }

      @Override
      public String backend() {
        return backend;
      }
    };
  }
}
