package io.des.coordinator;

import io.des.job.JobFile;
import io.des.job.SourceKind;
import io.des.pack.FolderScanner;
import io.des.pack.InputProblem;
import io.des.pack.ManifestReader;
import io.des.pack.PackPlanner;
import io.des.pack.SourceFile;
import io.des.routing.Router;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A landing folder (docs/fleet.md): {@code files/} holds loose files (uid = the path under it,
 * created_at = the modification time, as {@code des pack DIR}), {@code manifests/} holds upstream
 * JSON or CSV manifests naming files anywhere. Workers delete each file once it is packed; a
 * manifest whose files are all gone moves to {@code manifests/done/}.
 */
final class LandingSource implements FileSource {
  private static final Logger log = LoggerFactory.getLogger(LandingSource.class);
  private final Path root;
  private final Router router;
  private final Duration settle;
  private final Clock clock;

  /** Watches the top of {@code files/} and {@code manifests/} for arrivals; null where the platform cannot. */
  private final WatchService arrivals;

  LandingSource(Path root, Router router, Duration settle, Clock clock) {
    this.root = root;
    this.router = router;
    this.settle = settle;
    this.clock = clock;
    this.arrivals = watch(root.resolve("files"), root.resolve("manifests"));
  }

  private static WatchService watch(Path... folders) {
    WatchService watcher = null;
    try {
      watcher = folders[0].getFileSystem().newWatchService();
      for (Path folder : folders) {
        Files.createDirectories(folder).register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
      }
      return watcher;
    } catch (IOException | UnsupportedOperationException e) {
      log.info("Not watching {} for arrivals ({}); scans keep to their interval", folders[0].getParent(), e.toString());
      if (watcher != null) {
        try {
          watcher.close();
        } catch (IOException ignored) {
          // nothing was watched
        }
      }
      return null;
    }
  }

  /**
   * Whether a file or folder appeared at the top of {@code files/} or {@code manifests/} since the
   * last call (inotify on Linux); what lands deeper in a folder that exists already waits for the
   * interval.
   */
  @Override
  public boolean landed() {
    if (arrivals == null) {
      return false;
    }
    boolean landed = false;
    try {
      for (WatchKey key = arrivals.poll(); key != null; key = arrivals.poll()) {
        landed |= !key.pollEvents().isEmpty();
        key.reset();
      }
    } catch (ClosedWatchServiceException closed) {
      return false; // the app is stopping
    }
    return landed;
  }

  @Override
  public void close() throws IOException {
    if (arrivals != null) {
      arrivals.close();
    }
  }

  @Override
  public String name() {
    return "landing";
  }

  @Override
  public SourceKind kind() {
    return SourceKind.LANDING;
  }

  @Override
  public Map<String, Object> describe() {
    return Map.of("folder", root.toString());
  }

  /** Stops a walk once the scan holds enough files. */
  private static final class Full extends IOException {
    Full() {
      super("scan limit reached");
    }
  }

  @Override
  public Scan scan(int maxFiles) throws IOException {
    List<JobFile> files = new ArrayList<>();
    List<InputProblem> problems = new ArrayList<>();
    Instant[] oldest = {null};
    Instant settledBefore = clock.instant().minus(settle);
    Path loose = root.resolve("files");
    Files.createDirectories(loose);
    Files.createDirectories(root.resolve("manifests"));
    try {
      FolderScanner.scan(loose, f -> {
        Instant modified = f.createdAt().instant();
        if (modified.isAfter(settledBefore)) {
          return; // still being written, maybe
        }
        take(f, files, problems, maxFiles);
        oldest[0] = oldest[0] == null || modified.isBefore(oldest[0]) ? modified : oldest[0];
      });
      for (Path manifest : manifests()) {
        int[] present = {0};
        ManifestReader.read(manifest, f -> {
          if (Files.exists(f.path())) {
            present[0]++;
            take(f, files, problems, maxFiles);
          }
        }, problems::add);
        if (present[0] == 0) {
          Path done = Files.createDirectories(root.resolve("manifests/done"));
          Files.move(manifest, done.resolve(manifest.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      return new Scan(files, problems, oldest[0]);
    } catch (Full full) {
      return new Scan(files, problems, oldest[0]);
    }
  }

  private void take(SourceFile f, List<JobFile> files, List<InputProblem> problems, int maxFiles) throws IOException {
    InputProblem problem = PackPlanner.validate(f, router);
    if (problem != null) {
      problems.add(problem);
      return;
    }
    long size = f.measured() ? f.declaredSize() : sizeOf(f.path());
    if (size < 0) {
      return; // gone since the listing: packed meanwhile
    }
    files.add(new JobFile(f.uid(), f.createdAt(), size, f.path().toAbsolutePath().toString()));
    if (files.size() >= maxFiles) {
      throw new Full();
    }
  }

  private static long sizeOf(Path p) throws IOException {
    try {
      return Files.size(p);
    } catch (NoSuchFileException e) {
      return -1;
    }
  }

  private List<Path> manifests() throws IOException {
    List<Path> manifests = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(root.resolve("manifests"), "*.{json,csv}")) {
      stream.forEach(p -> {
        if (Files.isRegularFile(p)) {
          manifests.add(p);
        }
      });
    }
    manifests.sort(null);
    return manifests;
  }
}
