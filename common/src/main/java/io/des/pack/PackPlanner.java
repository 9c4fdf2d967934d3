package io.des.pack;

import io.des.format.ShardWriter;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validates source files and groups them by shard key, then splits each key's files into shards
 * with upstream's greedy soft size limit. Validation is all-or-nothing: every problem is collected
 * and reported before anything is written.
 */
public final class PackPlanner {
  private PackPlanner() {}

  /** Files grouped by key, keys in ascending order, files in input order within a key. */
  public static Map<ShardKey, List<PlannedFile>> plan(List<SourceFile> files, Router router) throws InvalidInputException {
    List<InputProblem> problems = new ArrayList<>();
    Map<ShardKey, List<PlannedFile>> byKey = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    // One ShardKey object per key, and uids checked per key: planning holds little per file.
    Map<ShardKey, ShardKey> keys = new HashMap<>();
    Map<ShardKey, Map<String, SourceFile>> seen = new HashMap<>();
    for (SourceFile f : files) {
      Checked checked = check(f, router);
      if (checked.problem() != null) {
        problems.add(checked.problem());
        continue;
      }
      ShardKey key = keys.computeIfAbsent(checked.key(), k -> k);
      SourceFile previous = seen.computeIfAbsent(key, k -> new HashMap<>()).putIfAbsent(f.uid(), f);
      if (previous != null) {
        problems.add(new InputProblem(f.line(), "duplicate uid '" + f.uid() + "' in shard key " + key + " (first at " + previous.line() + ")"));
        continue;
      }
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new PlannedFile(f, key, checked.size()));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    return byKey;
  }

  /** A file's key and measured size, or why it cannot be packed. */
  private record Checked(ShardKey key, long size, InputProblem problem) {
    static Checked problem(SourceFile f, String reason) {
      return new Checked(null, -1, new InputProblem(f.line(), reason));
    }
  }

  /**
   * Checks one file on its own (uid, date, source, size), as a streaming first pass does before
   * anything is written; duplicates need the whole batch and are found by {@link #plan}.
   *
   * @return the problem, or null when the file can be packed
   */
  public static InputProblem validate(SourceFile f, Router router) {
    return check(f, router).problem();
  }

  private static Checked check(SourceFile f, Router router) {
    try {
      ShardWriter.uidBytes(f.uid());
    } catch (IllegalArgumentException e) {
      return Checked.problem(f, e.getMessage());
    }
    ShardKey key;
    try {
      key = router.route(f.uid(), f.createdAt().routingDate());
    } catch (IllegalArgumentException e) { // includes InvalidUidException
      return Checked.problem(f, e.getMessage());
    }
    if (f.measured()) {
      return new Checked(key, f.declaredSize(), null); // just scanned; the encoder checks the bytes
    }
    long size;
    try {
      BasicFileAttributes attrs = Files.readAttributes(f.path(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isRegularFile()) {
        return Checked.problem(f, "source " + f.path() + " is not a regular file");
      }
      size = attrs.size();
    } catch (NoSuchFileException e) {
      return Checked.problem(f, "source file does not exist: " + f.path());
    } catch (IOException e) {
      return Checked.problem(f, "cannot read source " + f.path() + ": " + e);
    }
    if (f.declaredSize() >= 0 && f.declaredSize() != size) {
      return Checked.problem(f, "size mismatch for UID '" + f.uid() + "' (expected " + f.declaredSize() + ", got " + size + ")");
    }
    return new Checked(key, size, null);
  }

  /**
   * Splits one key's files greedily: a new shard starts when the current one is non-empty and the
   * next file would take it past {@code maxShardSize}. BigFiles do not count (they live outside).
   */
  static List<List<PlannedFile>> split(List<PlannedFile> files, long maxShardSize, long bigFileThreshold) {
    List<List<PlannedFile>> shards = new ArrayList<>();
    List<PlannedFile> current = new ArrayList<>();
    long size = 0;
    for (PlannedFile f : files) {
      long counted = f.size() > bigFileThreshold ? 0 : f.size();
      if (!current.isEmpty() && size + counted > maxShardSize) {
        shards.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(f);
      size += counted;
    }
    if (!current.isEmpty()) {
      shards.add(current);
    }
    return shards;
  }
}
