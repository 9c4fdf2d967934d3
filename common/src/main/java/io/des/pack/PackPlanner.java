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
    Map<String, String> seen = new HashMap<>();
    for (SourceFile f : files) {
      try {
        ShardWriter.uidBytes(f.uid());
      } catch (IllegalArgumentException e) {
        problems.add(new InputProblem(f.line(), e.getMessage()));
        continue;
      }
      ShardKey key;
      try {
        key = router.route(f.uid(), f.createdAt().routingDate());
      } catch (IllegalArgumentException e) { // includes InvalidUidException
        problems.add(new InputProblem(f.line(), e.getMessage()));
        continue;
      }
      String previous = seen.putIfAbsent(key + "/" + f.uid(), f.line());
      if (previous != null) {
        problems.add(new InputProblem(f.line(), "duplicate uid '" + f.uid() + "' in shard key " + key + " (first at " + previous + ")"));
        continue;
      }
      long size;
      try {
        BasicFileAttributes attrs = Files.readAttributes(f.path(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isRegularFile()) {
          problems.add(new InputProblem(f.line(), "source " + f.path() + " is not a regular file"));
          continue;
        }
        size = attrs.size();
      } catch (NoSuchFileException e) {
        problems.add(new InputProblem(f.line(), "source file does not exist: " + f.path()));
        continue;
      } catch (IOException e) {
        problems.add(new InputProblem(f.line(), "cannot read source " + f.path() + ": " + e));
        continue;
      }
      if (f.declaredSize() >= 0 && f.declaredSize() != size) {
        problems.add(new InputProblem(f.line(), "size mismatch for UID '" + f.uid() + "' (expected " + f.declaredSize() + ", got " + size + ")"));
        continue;
      }
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new PlannedFile(f, key, size));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    return byKey;
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
