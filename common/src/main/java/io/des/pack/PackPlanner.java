package io.des.pack;

import io.des.format.ShardWriter;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import io.des.routing.ShardKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    // Grouped in a hash map and sorted once at the end: a sorted map compared key strings on
    // every insert, which was most of the planning time. One ShardKey object per key, uids
    // checked per key: planning holds little per file.
    Map<ShardKey, Group> groups = new HashMap<>();
    ShardKeys keys = new ShardKeys(router);
    for (SourceFile f : files) {
      Checked checked = check(f, router, keys);
      if (checked.problem() != null) {
        problems.add(checked.problem());
        continue;
      }
      Group group = groups.computeIfAbsent(checked.key(), k -> new Group());
      SourceFile previous = group.uids.putIfAbsent(f.uid(), f);
      if (previous != null) {
        problems.add(new InputProblem(f.line(), "duplicate uid '" + f.uid() + "' in shard key " + checked.key() + " (first at " + previous.line() + ")"));
        continue;
      }
      group.files.add(new PlannedFile(f, checked.key(), checked.size()));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    List<ShardKey> sorted = new ArrayList<>(groups.keySet());
    sorted.sort(Comparator.comparing(ShardKey::toString));
    Map<ShardKey, List<PlannedFile>> byKey = new LinkedHashMap<>();
    for (ShardKey key : sorted) {
      byKey.put(key, groups.get(key).files);
    }
    return byKey;
  }

  /** One key's files in input order, and its uids for finding duplicates. */
  private static final class Group {
    final List<PlannedFile> files = new ArrayList<>();
    final Map<String, SourceFile> uids = new HashMap<>();
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
    return check(f, router, null).problem();
  }

  private static Checked check(SourceFile f, Router router, ShardKeys keys) {
    try {
      ShardWriter.uidBytes(f.uid());
    } catch (IllegalArgumentException e) {
      return Checked.problem(f, e.getMessage());
    }
    ShardKey key;
    try {
      LocalDate date = f.createdAt().routingDate();
      key = keys != null ? keys.route(f.uid(), date) : router.route(f.uid(), date);
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
