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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A landing folder (docs/fleet.md): {@code files/} holds loose files (uid = the path under it,
 * created_at = the modification time, as {@code des pack DIR}), {@code manifests/} holds upstream
 * JSON or CSV manifests naming files anywhere. Workers delete each file once it is packed; a
 * manifest whose files are all gone moves to {@code manifests/done/}.
 */
final class LandingSource implements FileSource {
  private final Path root;
  private final Router router;
  private final Duration settle;
  private final Clock clock;

  LandingSource(Path root, Router router, Duration settle, Clock clock) {
    this.root = root;
    this.router = router;
    this.settle = settle;
    this.clock = clock;
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
