package io.des.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBlobStoreTest extends BlobStoreContractTest {
  @TempDir Path dir;

  @Override
  protected BlobStore newStore() {
    return new LocalBlobStore(dir.resolve("store"));
  }

  /** A folder has no pages; fewer blobs keep the fsyncs of 1,100 commits out of the test time. */
  @Override
  protected int manyBlobCount() {
    return 200;
  }

  private Path root() {
    return ((LocalBlobStore) store).root();
  }

  private Path tempFolder() {
    return root().resolve(LocalBlobStore.TEMP_FOLDER);
  }

  @Override
  protected void assertNoUploadLeftovers() throws IOException {
    if (Files.exists(tempFolder())) {
      try (Stream<Path> files = Files.list(tempFolder())) {
        assertThat(files).as("temporary files").isEmpty();
      }
    }
  }

  @Test
  void blobIsAPlainFileUnderTheRoot() throws IOException {
    store.putExclusive(KEY, bytes("on disk"));

    assertThat(root().resolve("shards/0001/pack-7.des")).hasContent("on disk");
    assertThat(store.describe()).isEqualTo("file:" + dir.resolve("store").toAbsolutePath());
  }

  @Test
  void commitAbortAndReplaceLeaveNoTemporaryFiles() throws IOException {
    assertThat(tempFolder()).doesNotExist();

    store.putExclusive(KEY, bytes("one"));
    assertThatThrownBy(() -> store.putExclusive(KEY, bytes("two")))
        .isInstanceOf(BlobAlreadyExistsException.class);
    try (BlobUpload upload = store.createExclusive(BlobPath.of("aborted"))) {
      upload.out().write(bytes("gone"));
      try (Stream<Path> files = Files.list(tempFolder())) {
        assertThat(files).as("temporary file while the upload is open").hasSize(1);
      }
    }
    store.putReplace(BlobPath.of("hint"), bytes("h1"));
    store.putReplace(BlobPath.of("hint"), bytes("h2"));

    assertNoUploadLeftovers();
    assertThat(keys(store.list(""))).containsExactly("hint", KEY.key());
  }

  @Test
  void aLargeUploadCommitsWholeAndAnAbortedOneLeavesNothing() throws IOException {
    byte[] chunk = new byte[1 << 20];
    int chunks = 49; // many write buffers' worth
    java.util.zip.CRC32C expected = new java.util.zip.CRC32C();
    java.util.Random random = new java.util.Random(1);
    try (BlobUpload upload = store.createExclusive(BlobPath.of("big"))) {
      for (int i = 0; i < chunks; i++) {
        random.nextBytes(chunk);
        expected.update(chunk);
        upload.out().write(chunk);
      }
      upload.commit();
    }
    java.util.zip.CRC32C actual = new java.util.zip.CRC32C();
    try (java.io.InputStream in = store.open(BlobPath.of("big"))) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        actual.update(buf, 0, n);
      }
    }
    assertThat(store.stat(BlobPath.of("big")).orElseThrow().size()).isEqualTo((long) chunks * chunk.length);
    assertThat(actual.getValue()).isEqualTo(expected.getValue());

    try (BlobUpload upload = store.createExclusive(BlobPath.of("abandoned"))) {
      for (int i = 0; i < chunks; i++) {
        upload.out().write(chunk);
      }
    }
    assertNoUploadLeftovers();
    assertThat(store.stat(BlobPath.of("abandoned"))).isEmpty();
  }

  @Test
  void missingRootListsAndStatsNothing() throws IOException {
    assertThat(root()).doesNotExist();

    assertThat(keys(store.list(""))).isEmpty();
    assertThat(store.stat(KEY)).isEmpty();
  }

  @Test
  void keysCannotEscapeRootOrEnterTheTemporaryFolder() {
    assertThatThrownBy(() -> BlobPath.of("../outside"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("../outside");
    assertThatThrownBy(() -> store.putExclusive(BlobPath.of(".des-tmp/x"), bytes("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(".des-tmp/x")
        .hasMessageContaining("temporary folder");
    assertThat(dir.resolve("outside")).doesNotExist();
  }

  @Test
  void blobAndFolderOfTheSameKeyFailClearly() throws IOException {
    store.putExclusive(BlobPath.of("a"), bytes("file"));
    store.putExclusive(BlobPath.of("x/y"), bytes("file"));

    assertThatThrownBy(() -> store.putExclusive(BlobPath.of("a/b"), bytes("under a file")))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("a/b")
        .hasMessageContaining("folder");
    assertThatThrownBy(() -> store.putExclusive(BlobPath.of("x"), bytes("over a folder")))
        .isExactlyInstanceOf(StorageException.class)
        .hasMessageContaining("Cannot create x")
        .hasMessageContaining("folder of other blobs");
    assertThat(store.stat(BlobPath.of("x"))).isEmpty();
    assertThatThrownBy(() -> store.open(BlobPath.of("x"))).isInstanceOf(BlobNotFoundException.class);
    assertNoUploadLeftovers();
  }

  @Test
  void anUploadRecreatesTheTemporaryFolderIfItWasRemoved() throws IOException {
    store.putExclusive(KEY, bytes("first"));
    assertThat(tempFolder()).isDirectory();
    Files.delete(tempFolder()); // an operator's cleanup between two uploads
    store.putExclusive(BlobPath.of("second"), bytes("second"));
    try (BlobUpload upload = store.createExclusive(BlobPath.of("third"))) {
      upload.out().write(bytes("third"));
      upload.commit();
    }
    assertThat(root().resolve("second")).hasContent("second");
    assertThat(root().resolve("third")).hasContent("third");
  }

  @Test
  void listSkipsFilesThatAreNotBlobs() throws IOException {
    store.putExclusive(KEY, bytes("blob"));
    Files.writeString(root().resolve("back\\slash"), "not a key");
    try (BlobUpload upload = store.createExclusive(BlobPath.of("pending"))) {
      upload.out().write(bytes("in .des-tmp"));

      assertThat(keys(store.list(""))).containsExactly(KEY.key());
    }
  }

  @Test
  void withoutHardLinksExclusiveCreateStillRefusesAnExistingKey() throws IOException {
    try (LocalBlobStore moving = LocalBlobStore.withoutHardLinks(root())) {
      moving.putExclusive(KEY, bytes("first"));

      assertThatThrownBy(() -> moving.putExclusive(KEY, bytes("second")))
          .isInstanceOf(BlobAlreadyExistsException.class)
          .hasMessageContaining(KEY.key());
      assertThat(moving.readRange(KEY, 0, 5)).isEqualTo(bytes("first"));
      assertNoUploadLeftovers();
    }
  }
}
