package io.des.pack;

import io.des.bigfile.BigFileRefs;
import io.des.catalog.ShardName;
import io.des.format.ShardReader;
import io.des.storage.BlobAlreadyExistsException;
import io.des.storage.BlobInfo;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.storage.BlobUpload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Stores a payload above the BigFile threshold as {@code _bigFiles/<sha256>} beside its shard, by
 * streaming (two passes over the source: hash, then upload). Content-addressed, so identical
 * content is stored once; an existing blob of the same size is reused. Before either, the shard's
 * key is recorded as a reference ({@link BigFileRefs#reference}), so that no purge deletes the
 * content under the entry about to be written.
 */
final class BigFileUploader {
  private final BlobStore store;
  private final BigFileRefs refs;

  BigFileUploader(BlobStore store) {
    this.store = store;
    this.refs = new BigFileRefs(store);
  }

  /**
   * Uploads (or finds) the BigFile and returns its SHA-256 hex.
   *
   * @throws io.des.bigfile.BigFileBusyException if a purge is deleting the same content: retry
   */
  String upload(BlobPath shard, PlannedFile file) throws IOException {
    String sha = sha256(file);
    refs.reference(shard, sha, ShardName.parse(shard.name()).orElseThrow().key()); // before the stat: see BigFileRefs
    BlobPath target = ShardReader.bigFilePath(shard, sha);
    Optional<BlobInfo> existing = store.stat(target);
    if (existing.isPresent()) {
      checkSize(target, existing.get().size(), file);
      return sha;
    }
    try (BlobUpload upload = store.createExclusive(target);
        InputStream in = Files.newInputStream(file.source().path())) {
      OutputStream out = upload.out();
      long copied = in.transferTo(out);
      if (copied != file.size()) {
        throw new IOException("Source " + file.source().path() + " changed while packing: expected " + file.size() + " bytes, read " + copied);
      }
      upload.commit();
    } catch (BlobAlreadyExistsException raced) {
      checkSize(target, store.stat(target).orElseThrow().size(), file);
    }
    return sha;
  }

  private static void checkSize(BlobPath target, long size, PlannedFile file) throws IOException {
    if (size != file.size()) {
      throw new IOException("BigFile " + target + " exists with " + size + " bytes, expected " + file.size());
    }
  }

  private static String sha256(PlannedFile file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file.source().path()), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
