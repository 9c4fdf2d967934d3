package io.des.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code des demo}: the one-machine tour. Makes a folder of sample files (or takes one), packs it into
 * a local store, reads some files back and compares them byte for byte, verifies every shard, and
 * says what it did. Needs nothing but a JDK.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Packs sample files into local shards, reads some back and verifies them.")
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = "des-demo", description = "Working folder (default: ${DEFAULT-VALUE}); input/ and store/ go inside.")
  Path dir;

  @Option(names = "--input", paramLabel = "FOLDER", description = "Pack this folder instead of generated samples.")
  Path input;

  @Option(names = "--files", paramLabel = "N", defaultValue = "2000", description = "How many sample files to generate (default: ${DEFAULT-VALUE}).")
  int files;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path source = input;
    if (source == null) {
      source = dir.resolve("input");
      if (!Files.isDirectory(source)) {
        generate(source, files, 42);
        out.printf("Generated %,d sample files in %s%n", files, source);
      } else {
        out.printf("Using the sample files already in %s%n", source);
      }
    }
    Path storeDir = dir.resolve("store");
    out.printf("%n$ des pack %s --store %s%n", source, storeDir);
    int rc = run(out, "pack", source.toString(), "--store", storeDir.toString(), "--no-progress");
    if (rc != DesCommand.OK) {
      return rc;
    }
    List<Path> picks = pick(source, 3);
    for (Path p : picks) {
      String uid = source.relativize(p).toString().replace('\\', '/');
      String created = Files.getLastModifiedTime(p).toInstant().toString();
      Path back = dir.resolve("read-back.tmp");
      out.printf("%n$ des get %s --created-at %s --store %s -o %s%n", uid, created, storeDir, back);
      rc = run(out, "get", uid, "--created-at", created, "--store", storeDir.toString(), "-o", back.toString());
      if (rc != DesCommand.OK) {
        return rc;
      }
      boolean same = Arrays.equals(Files.readAllBytes(p), Files.readAllBytes(back));
      Files.delete(back);
      out.printf("%s: %,d bytes, %s%n", uid, Files.size(p), same ? "identical to the source" : "DIFFERENT FROM THE SOURCE");
      if (!same) {
        return DesCommand.FAILED;
      }
    }
    out.printf("%n$ des verify --store %s%n", storeDir);
    rc = run(out, "verify", "--store", storeDir.toString(), "--no-progress");
    out.printf("%nDone. Try: bin/des ls --store %s --date <YYYYMMDD>, bin/des --help%n", storeDir);
    return rc;
  }

  private int run(PrintWriter out, String... args) {
    CommandLine cli = DesCommand.commandLine();
    StringWriter captured = new StringWriter();
    cli.setOut(new PrintWriter(captured, true));
    cli.setErr(spec.commandLine().getErr());
    int rc = cli.execute(args);
    // Upstream's one line per shard is too much for a tour: show three and count the rest.
    java.util.List<String> shardLines = captured.toString().lines().filter(l -> l.startsWith("SHARD: ")).toList();
    captured.toString().lines().filter(l -> !l.startsWith("SHARD: ")).forEach(out::println);
    shardLines.stream().limit(3).forEach(out::println);
    if (shardLines.size() > 3) {
      out.printf("SHARD: ... and %,d more%n", shardLines.size() - 3);
    }
    out.flush();
    return rc;
  }

  private static List<Path> pick(Path root, int n) throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile).sorted().forEach(all::add);
    }
    List<Path> picks = new ArrayList<>();
    for (int i = 0; i < n && !all.isEmpty(); i++) {
      picks.add(all.get((int) ((long) i * all.size() / n)));
    }
    return picks;
  }

  /** Deterministic samples: text records, JSON, incompressible binary, a few days apart. */
  static void generate(Path root, int count, long seed) throws IOException {
    Random random = new Random(seed);
    String[] words = "invoice scan record mail image customer order account payment archive retention policy".split(" ");
    Instant base = Instant.parse("2024-01-01T08:00:00Z");
    for (int i = 0; i < count; i++) {
      Path folder = root.resolve(String.format("batch-%02d", i % 20));
      Files.createDirectories(folder);
      byte[] content;
      String name;
      switch (i % 3) {
        case 0 -> {
          StringBuilder sb = new StringBuilder();
          int lines = 5 + random.nextInt(200);
          for (int l = 0; l < lines; l++) {
            sb.append(words[random.nextInt(words.length)]).append(' ').append(random.nextInt(100000)).append(' ').append(words[random.nextInt(words.length)]).append('\n');
          }
          content = sb.toString().getBytes(StandardCharsets.UTF_8);
          name = "record-" + i + ".txt";
        }
        case 1 -> {
          content = String.format("{\"id\":%d,\"customer\":\"%s-%d\",\"amount\":%d.%02d,\"status\":\"%s\"}%n",
              i, words[random.nextInt(words.length)], random.nextInt(1000), random.nextInt(10000), random.nextInt(100), words[random.nextInt(words.length)])
              .repeat(1 + random.nextInt(50)).getBytes(StandardCharsets.UTF_8);
          name = "doc-" + i + ".json";
        }
        default -> {
          content = new byte[random.nextInt(16384)];
          random.nextBytes(content);
          name = "scan-" + i + ".bin";
        }
      }
      Path file = folder.resolve(name);
      Files.write(file, content);
      Files.setLastModifiedTime(file, FileTime.from(base.plusSeconds(3600L * 7 * (i % 12))));
    }
  }
}
