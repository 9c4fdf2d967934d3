package io.des.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The local store with read handles kept open: the whole contract, and what keeping them open changes. */
class LocalBlobStoreOpenFilesTest extends LocalBlobStoreTest {
  @Override
  protected BlobStore newStore() {
    return new LocalBlobStore(dir.resolve("store")).keepingFilesOpen(4, Duration.ofMinutes(1));
  }

  private static byte[] content(int i) {
    return ("blob number " + i + " ").repeat(100 + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void aFileReadOnceIsReadThroughItsOpenHandleEvenIfAnotherProcessDeletesIt() throws Exception {
    store.putExclusive(KEY, content(1));
    assertThat(store.readRange(KEY, 0, 5)).isEqualTo(bytes("blob "));

    Files.delete(((LocalBlobStore) store).root().resolve(KEY.key())); // as another process would

    assertThat(store.readRange(KEY, 5, 6)).as("the open handle still reads it").isEqualTo(bytes("number"));
    store.delete(KEY); // through the store: the handle is closed at once
    assertThatThrownBy(() -> store.readRange(KEY, 0, 5)).isInstanceOf(BlobNotFoundException.class);
  }

  @Test
  void aHandleIsClosedWithinItsTimeToLive() throws Exception {
    BlobStore shortLived = new LocalBlobStore(dir.resolve("short")).keepingFilesOpen(4, Duration.ofSeconds(1));
    shortLived.putExclusive(KEY, content(2));
    assertThat(shortLived.readRange(KEY, 0, 4)).isEqualTo(bytes("blob"));
    Files.delete(dir.resolve("short").resolve(KEY.key()));
    assertThat(shortLived.readRange(KEY, 0, 4)).as("still open, within its time to live").isEqualTo(bytes("blob"));

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        shortLived.readRange(KEY, 0, 4);
      } catch (BlobNotFoundException gone) {
        break; // the handle was closed and the file is gone
      }
      assertThat(System.nanoTime()).as("closed within its time to live").isLessThan(deadline);
      Thread.sleep(20);
    }
    shortLived.close();
  }

  @Test
  void aReaderInterruptedMidReadClosesTheSharedFileAndTheOthersOpenItAgain() throws Exception {
    byte[] content = content(3);
    store.putExclusive(KEY, content);
    try (InputStream open = store.openRange(KEY, 0, content.length)) {
      byte[] head = open.readNBytes(10);

      // Another reader of the same file is interrupted: the JDK closes the channel it shares.
      Thread interrupted = new Thread(() -> {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> store.readRange(KEY, 0, 4)).isInstanceOf(java.io.IOException.class);
      });
      interrupted.start();
      interrupted.join();

      byte[] rest = open.readAllBytes(); // finds it closed, opens the file again, goes on
      assertThat(head.length + rest.length).isEqualTo(content.length);
      assertThat(rest).isEqualTo(java.util.Arrays.copyOfRange(content, 10, content.length));
    }
    assertThat(store.readRange(KEY, 0, 4)).as("and later readers too").isEqualTo(bytes("blob"));
  }

  @Test
  void noMoreFilesStayOpenThanItsHandles() throws Exception {
    Path fds = Path.of("/proc/self/fd");
    assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd (Linux)");
    for (int i = 0; i < 12; i++) {
      store.putExclusive(BlobPath.of("shards/f" + i), content(i));
    }
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 12; i++) {
        assertThat(store.readRange(BlobPath.of("shards/f" + i), 0, 5)).isEqualTo(bytes("blob "));
        assertThat(openUnder(fds, ((LocalBlobStore) store).root())).as("files open after reading f%d", i).isLessThanOrEqualTo(4);
      }
    }
  }

  /** How many of this process's open files are under {@code root}. */
  private static long openUnder(Path fds, Path root) throws IOException {
    Path real = root.toRealPath();
    try (Stream<Path> links = Files.list(fds)) {
      return links.map(fd -> {
        try {
          return Files.readSymbolicLink(fd);
        } catch (IOException gone) {
          return null; // closed since it was listed
        }
      }).filter(target -> target != null && target.startsWith(real)).count();
    }
  }

  @Test
  void manyReadersOfMoreFilesThanHandlesAllGetTheirBytes() throws Exception {
    int files = 12; // three times the handles: they are evicted and closed while others read
    for (int i = 0; i < files; i++) {
      store.putExclusive(BlobPath.of("shards/f" + i), content(i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Integer>> readers = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        int seed = t;
        readers.add(pool.submit(() -> {
          java.util.Random random = new java.util.Random(seed);
          int checked = 0;
          for (int n = 0; n < 2_000; n++) {
            int i = random.nextInt(files);
            byte[] expected = content(i);
            int offset = random.nextInt(expected.length - 64);
            BlobPath path = BlobPath.of("shards/f" + i);
            byte[] got;
            if (n % 2 == 0) {
              got = store.readRange(path, offset, 64);
            } else {
              try (InputStream in = store.openRange(path, offset, 64)) {
                got = in.readAllBytes();
              }
            }
            assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(expected, offset, offset + 64));
            checked++;
          }
          return checked;
        }));
      }
      for (Future<Integer> r : readers) {
        assertThat(r.get()).isEqualTo(2_000);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
