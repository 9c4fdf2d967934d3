package io.des.coordinator;

import io.des.job.JobFile;
import io.des.job.SourceKind;
import io.des.pack.InputProblem;
import io.des.pack.ManifestReader;
import io.des.pack.PackPlanner;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.storage.BlobAlreadyExistsException;
import io.des.storage.BlobInfo;
import io.des.storage.BlobNotFoundException;
import io.des.storage.BlobPath;
import io.des.storage.BlobStore;
import io.des.storage.BlobUpload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A landing store ({@code des.landing.store}: an S3 prefix, or a folder through the same storage
 * SPI), laid out as a landing folder (docs/fleet.md): objects under {@code files/} are files to
 * pack (uid = the key under {@code files/}, created_at = the object's last-modified time), and
 * {@code manifests/} holds upstream JSON or CSV manifests whose {@code source_path} names an object
 * of the landing store by its key. Objects appear whole (an S3 PUT is atomic), so there is no
 * settle time. Jobs carry each file's key; the workers stage the objects to disk, pack them and
 * delete them once committed. A manifest whose objects are all gone moves to {@code
 * manifests/done/}.
 */
final class StoreLandingSource implements FileSource {
  static final String FILES = "files/";
  static final String MANIFESTS = "manifests/";
  static final String DONE = MANIFESTS + "done/";

  private final BlobStore landing;
  private final Router router;

  StoreLandingSource(BlobStore landing, Router router) {
    this.landing = landing;
    this.router = router;
  }

  @Override
  public String name() {
    return "landing-store";
  }

  @Override
  public SourceKind kind() {
    return SourceKind.LANDING_STORE;
  }

  @Override
  public Map<String, Object> describe() {
    return Map.of("store", landing.describe());
  }

  @Override
  public Scan scan(int maxFiles) throws IOException {
    List<JobFile> files = new ArrayList<>();
    List<InputProblem> problems = new ArrayList<>();
    Instant oldest = null;
    try (Stream<BlobInfo> listing = landing.list(FILES)) {
      Iterator<BlobInfo> it = listing.iterator();
      while (it.hasNext() && files.size() < maxFiles) {
        BlobInfo object = it.next();
        String uid = object.path().key().substring(FILES.length());
        SourceFile f = SourceFile.scanned(uid, CreatedAt.of(object.lastModified()), object.size(), Path.of(object.path().key()));
        if (take(f, object.path().key(), object.size(), files, problems)) {
          oldest = oldest == null || object.lastModified().isBefore(oldest) ? object.lastModified() : oldest;
        }
      }
    }
    for (BlobPath manifest : manifests()) {
      if (files.size() >= maxFiles) {
        break;
      }
      readManifest(manifest, files, problems, maxFiles);
    }
    return new Scan(files, problems, oldest);
  }

  /** Adds the file unless it is invalid (a problem); whether it was added. */
  private boolean take(SourceFile f, String key, long size, List<JobFile> files, List<InputProblem> problems) {
    InputProblem problem = PackPlanner.validate(f, router);
    if (problem != null) {
      problems.add(problem);
      return false;
    }
    files.add(new JobFile(f.uid(), f.createdAt(), size, key));
    return true;
  }

  private void readManifest(BlobPath manifest, List<JobFile> files, List<InputProblem> problems, int maxFiles) throws IOException {
    String name = manifest.key().substring(manifest.key().lastIndexOf('/') + 1);
    Path local = Files.createTempFile("des-manifest-", name); // the reader parses a file; streamed there, not held in memory
    try {
      try (InputStream in = landing.open(manifest)) {
        Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
      } catch (BlobNotFoundException gone) {
        return; // moved to done/ by another scan meanwhile
      }
      int[] present = {0};
      ManifestReader.read(local, manifest.key(), f -> {
        if (files.size() >= maxFiles) {
          present[0]++; // not read this time; counts as waiting
          return;
        }
        String key = f.path().toString();
        Optional<BlobInfo> object = landing.stat(BlobPath.of(key));
        if (object.isEmpty()) {
          return; // packed and deleted, or never uploaded: nothing left to pack
        }
        present[0]++;
        long size = object.get().size();
        if (f.declaredSize() >= 0 && f.declaredSize() != size) {
          problems.add(new InputProblem(f.origin(), "size mismatch for UID '" + f.uid() + "' (expected " + f.declaredSize() + ", got " + size + ")"));
          return;
        }
        take(SourceFile.scanned(f.uid(), f.createdAt(), size, f.path()), key, size, files, problems);
      }, problems::add);
      if (present[0] == 0) {
        moveToDone(manifest, name, local);
      }
    } finally {
      Files.deleteIfExists(local);
    }
  }

  /** Uploads the manifest's copy under {@code done/} (streamed; a name already there gets a suffix), then deletes it. */
  private void moveToDone(BlobPath manifest, String name, Path copy) throws IOException {
    for (int n = 0; ; n++) {
      BlobPath done = BlobPath.of(DONE + (n == 0 ? name : name + "." + n));
      try (BlobUpload upload = landing.createExclusive(done)) {
        Files.copy(copy, upload.out());
        upload.commit();
        break;
      } catch (BlobAlreadyExistsException taken) {
        if (n >= 100) {
          throw taken;
        }
      }
    }
    landing.delete(manifest);
  }

  private List<BlobPath> manifests() throws IOException {
    List<BlobPath> manifests = new ArrayList<>();
    try (Stream<BlobInfo> listing = landing.list(MANIFESTS)) {
      listing.map(BlobInfo::path)
          .filter(p -> !p.key().startsWith(DONE))
          .filter(p -> p.key().endsWith(".json") || p.key().endsWith(".csv"))
          .forEach(manifests::add);
    }
    manifests.sort(java.util.Comparator.comparing(BlobPath::key));
    return manifests;
  }
}
