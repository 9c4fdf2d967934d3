package io.des.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a deterministic, seeded dataset of small files for packing benchmarks.
 *
 * <p>Composition by count: about 1/2 compressible records (log lines, JSON records, CSV rows), about
 * 1/3 already-compressed binaries (JPEG, PNG, gzip and zip headers followed by random bytes) and
 * about 1/6 larger compressible documents (markdown, HTML, plain text). Sizes are log-normal per kind
 * with an overall median near 8 KiB; every 5,000th file is 1-4 MiB and every 10,000th is empty.
 * Last-modified times fall in 2024-01-01..2024-01-07 UTC. Files go to up to 100 subfolders.
 *
 * <p>Everything about file {@code i} (kind, folder, size, time, bytes) depends only on the seed and
 * {@code i}, so the output is identical whatever the number of threads.
 *
 * <pre>
 * java -cp des-bench.jar io.des.bench.DatasetGenerator --out DIR [--files N] [--seed S]
 *     [--manifest FILE] [--threads N] [--quiet]
 * </pre>
 */
public final class DatasetGenerator {

  /** What a file holds. The first three are records, the next four binaries, the last three documents. */
  public enum Kind {
    LOG("log", "log", Group.RECORD),
    JSON("events", "json", Group.RECORD),
    CSV("rows", "csv", Group.RECORD),
    JPEG("img", "jpg", Group.BINARY),
    PNG("pic", "png", Group.BINARY),
    GZIP("dump", "gz", Group.BINARY),
    ZIP("bundle", "zip", Group.BINARY),
    MARKDOWN("doc", "md", Group.DOCUMENT),
    HTML("page", "html", Group.DOCUMENT),
    TEXT("note", "txt", Group.DOCUMENT);

    final String prefix;
    final String extension;
    final Group group;

    Kind(String prefix, String extension, Group group) {
      this.prefix = prefix;
      this.extension = extension;
      this.group = group;
    }

    public Group group() {
      return group;
    }
  }

  /** Coarse groups used for the composition. */
  public enum Group {
    RECORD,
    BINARY,
    DOCUMENT
  }

  /** Everything decided about one file before its bytes are made. */
  record FileSpec(int index, Kind kind, int folder, int size, long mtimeMillis, long contentSeed) {
    String relativePath() {
      return String.format(Locale.ROOT, "d%02d/%s-%06d.%s", folder, kind.prefix, index, kind.extension);
    }
  }

  /** Totals after a run. */
  public record Summary(int files, long bytes, long[] filesByKind, long[] bytesByKind, int empty, int huge, long nanos) {}

  static final int FOLDERS = 100;
  static final int KIB = 1024;
  static final int MIB = 1024 * 1024;
  static final long START_MILLIS = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  static final long SPAN_MILLIS = 7L * 24 * 3600 * 1000 - 1000;
  static final int HUGE_EVERY = 5_000;
  static final int HUGE_PHASE = 2_500;
  static final int EMPTY_EVERY = 10_000;
  static final int EMPTY_PHASE = 7;
  static final int PROGRESS_EVERY = 10_000;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final long seed;
  private final Vocabulary vocab;

  public DatasetGenerator(long seed) {
    this.seed = seed;
    this.vocab = new Vocabulary(new SplittableRandom(mix(seed ^ 0x5EEDF00DL)));
  }

  public static void main(String[] args) throws Exception {
    int files = 100_000;
    long seed = 42;
    Path out = null;
    Path manifest = null;
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    boolean quiet = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--files" -> files = Integer.parseInt(value(args, ++i, a));
        case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
        case "--out" -> out = Path.of(value(args, ++i, a));
        case "--manifest" -> manifest = Path.of(value(args, ++i, a));
        case "--threads" -> threads = Integer.parseInt(value(args, ++i, a));
        case "--quiet" -> quiet = true;
        case "-h", "--help" -> {
          usage(System.out);
          return;
        }
        default -> {
          System.err.println("Unknown argument: " + a);
          usage(System.err);
          System.exit(2);
        }
      }
    }
    if (out == null || files < 0 || threads < 1) {
      usage(System.err);
      System.exit(2);
    }
    DatasetGenerator generator = new DatasetGenerator(seed);
    PrintStream progress = quiet ? null : System.out;
    if (progress != null) {
      progress.printf(Locale.ROOT, "Generating %,d files into %s (seed %d, %d threads)%n", files, out, seed, threads);
    }
    Summary summary = generator.generate(out, files, threads, progress);
    if (manifest != null) {
      generator.writeManifest(manifest, out, files);
    }
    printSummary(System.out, summary);
    if (manifest != null) {
      System.out.println("manifest: " + manifest);
    }
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static void usage(PrintStream s) {
    s.println("Usage: DatasetGenerator --out DIR [--files N (100000)] [--seed S (42)] [--manifest FILE]");
    s.println("                        [--threads N] [--quiet]");
    s.println("Writes a deterministic dataset of small files; DIR must not exist or be empty.");
  }

  /** Decides kind, folder, size and time of file {@code i}. */
  FileSpec spec(int i) {
    SplittableRandom r = new SplittableRandom(mix(seed + 0x9E3779B97F4A7C15L * (i + 1L)));
    double u = r.nextDouble();
    Kind kind;
    if (u < 0.5) {
      kind = Kind.values()[r.nextInt(3)];
    } else if (u < 5.0 / 6) {
      kind = Kind.values()[3 + r.nextInt(4)];
    } else {
      kind = Kind.values()[7 + r.nextInt(3)];
    }
    int folder = r.nextInt(FOLDERS);
    double g = r.nextGaussian();
    int size =
        switch (kind.group) {
          case RECORD -> logNormal(g, 5 * KIB, 0.75, 64, MIB);
          case BINARY -> logNormal(g, 8 * KIB, 0.9, 256, MIB);
          case DOCUMENT -> logNormal(g, 20 * KIB, 0.9, 4 * KIB, 768 * KIB);
        };
    if (i % HUGE_EVERY == HUGE_PHASE) {
      size = MIB + r.nextInt(3 * MIB + 1);
    }
    if (i % EMPTY_EVERY == EMPTY_PHASE) {
      size = 0;
    }
    long mtime = START_MILLIS + (r.nextLong(SPAN_MILLIS) / 1000) * 1000;
    return new FileSpec(i, kind, folder, size, mtime, r.nextLong());
  }

  private static int logNormal(double gaussian, int median, double sigma, int min, int max) {
    double v = median * Math.exp(sigma * gaussian);
    return (int) Math.max(min, Math.min(max, Math.round(v)));
  }

  /** Generates {@code files} files into {@code out}; {@code progress} may be null. */
  public Summary generate(Path out, int files, int threads, PrintStream progress) throws IOException {
    if (Files.exists(out)) {
      try (var entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw new IOException(out + " exists and is not empty; delete it or choose another --out");
        }
      }
    }
    Files.createDirectories(out);
    boolean[] used = new boolean[FOLDERS];
    for (int i = 0; i < files; i++) {
      used[spec(i).folder()] = true;
    }
    for (int f = 0; f < FOLDERS; f++) {
      if (used[f]) {
        Files.createDirectories(out.resolve(String.format(Locale.ROOT, "d%02d", f)));
      }
    }

    long start = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicLong doneBytes = new AtomicLong();
    long[] filesByKind = new long[Kind.values().length];
    long[] bytesByKind = new long[Kind.values().length];
    int[] emptyAndHuge = new int[2];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          Buffer buf = new Buffer(1 << 20);
          long[] myFiles = new long[filesByKind.length];
          long[] myBytes = new long[bytesByKind.length];
          int myEmpty = 0;
          int myHuge = 0;
          int i;
          while ((i = next.getAndIncrement()) < files) {
            FileSpec spec = spec(i);
            fill(spec, buf);
            Path path = out.resolve(spec.relativePath());
            try (OutputStream os = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
              os.write(buf.bytes, 0, buf.length);
            }
            Files.setLastModifiedTime(path, FileTime.fromMillis(spec.mtimeMillis()));
            myFiles[spec.kind().ordinal()]++;
            myBytes[spec.kind().ordinal()] += spec.size();
            if (spec.size() == 0) {
              myEmpty++;
            } else if (spec.size() >= MIB) {
              myHuge++;
            }
            long total = doneBytes.addAndGet(spec.size());
            int n = done.incrementAndGet();
            if (progress != null && n % PROGRESS_EVERY == 0) {
              double secs = (System.nanoTime() - start) / 1e9;
              progress.printf(Locale.ROOT, "  %,9d / %,d files  %,8.1f MB  %6.1f MB/s%n", n, files, total / 1e6, total / 1e6 / secs);
            }
          }
          synchronized (filesByKind) {
            for (int k = 0; k < myFiles.length; k++) {
              filesByKind[k] += myFiles[k];
              bytesByKind[k] += myBytes[k];
            }
            emptyAndHuge[0] += myEmpty;
            emptyAndHuge[1] += myHuge;
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof IOException io) {
            throw io;
          }
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    long nanos = System.nanoTime() - start;
    long bytes = 0;
    for (long b : bytesByKind) {
      bytes += b;
    }
    return new Summary(files, bytes, filesByKind, bytesByKind, emptyAndHuge[0], emptyAndHuge[1], nanos);
  }

  /** Writes the upstream JSON manifest: an array of {uid, created_at, size_bytes, source_path}. */
  public void writeManifest(Path manifest, Path out, int files) throws IOException {
    Path root = out.toAbsolutePath().normalize();
    if (manifest.getParent() != null) {
      Files.createDirectories(manifest.getParent());
    }
    try (BufferedWriter w = Files.newBufferedWriter(manifest, StandardCharsets.UTF_8)) {
      w.write("[\n");
      for (int i = 0; i < files; i++) {
        FileSpec spec = spec(i);
        String rel = spec.relativePath();
        w.write("{\"uid\":\"");
        w.write(rel);
        w.write("\",\"created_at\":\"");
        w.write(Instant.ofEpochMilli(spec.mtimeMillis()).toString());
        w.write("\",\"size_bytes\":");
        w.write(Integer.toString(spec.size()));
        w.write(",\"source_path\":\"");
        w.write(jsonEscape(root.resolve(rel).toString()));
        w.write(i + 1 < files ? "\"},\n" : "\"}\n");
      }
      w.write("]\n");
    }
  }

  private static String jsonEscape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  static void printSummary(PrintStream s, Summary sum) {
    double secs = sum.nanos() / 1e9;
    s.printf(Locale.ROOT, "files: %,d  total: %,d bytes (%.1f MB)  empty: %d  1-4 MiB: %d%n",
        sum.files(), sum.bytes(), sum.bytes() / 1e6, sum.empty(), sum.huge());
    s.printf(Locale.ROOT, "time: %.1f s  (%.1f MB/s, %,.0f files/s)%n", secs, sum.bytes() / 1e6 / secs, sum.files() / secs);
    s.printf(Locale.ROOT, "%-9s %-9s %9s %7s %14s %7s%n", "group", "kind", "files", "share", "bytes", "share");
    for (Group g : Group.values()) {
      long gf = 0;
      long gb = 0;
      for (Kind k : Kind.values()) {
        if (k.group != g) {
          continue;
        }
        long f = sum.filesByKind()[k.ordinal()];
        long b = sum.bytesByKind()[k.ordinal()];
        gf += f;
        gb += b;
        s.printf(Locale.ROOT, "%-9s %-9s %,9d %6.1f%% %,14d %6.1f%%%n", g.name().toLowerCase(Locale.ROOT),
            k.extension, f, pct(f, sum.files()), b, pct(b, sum.bytes()));
      }
      s.printf(Locale.ROOT, "%-9s %-9s %,9d %6.1f%% %,14d %6.1f%%%n", g.name().toLowerCase(Locale.ROOT), "(all)",
          gf, pct(gf, sum.files()), gb, pct(gb, sum.bytes()));
    }
  }

  private static double pct(long part, long whole) {
    return whole == 0 ? 0 : 100.0 * part / whole;
  }

  // ---------------------------------------------------------------- content

  /** Fills {@code buf} with exactly {@code spec.size()} bytes of the file's content. */
  void fill(FileSpec spec, Buffer buf) {
    int size = spec.size();
    buf.reset(size);
    if (size == 0) {
      return;
    }
    SplittableRandom r = new SplittableRandom(spec.contentSeed());
    switch (spec.kind()) {
      case LOG -> logLines(r, buf, size, spec.mtimeMillis());
      case JSON -> jsonRecords(r, buf, size, spec.mtimeMillis());
      case CSV -> csvRows(r, buf, size, spec.mtimeMillis());
      case JPEG -> binary(r, buf, size, JPEG_HEADER);
      case PNG -> binary(r, buf, size, PNG_HEADER);
      case GZIP -> gzip(r, buf, size, spec.mtimeMillis());
      case ZIP -> zip(r, buf, size, spec);
      case MARKDOWN -> markdown(r, buf, size);
      case HTML -> html(r, buf, size);
      case TEXT -> plainText(r, buf, size);
    }
    buf.length = size;
    if (spec.kind().group != Group.BINARY && size > 1) {
      buf.bytes[size - 1] = '\n';
    }
  }

  private static final byte[] JPEG_HEADER = {
    (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x01, 0x01, 0x01,
    0x00, 0x48, 0x00, 0x48, 0x00, 0x00, (byte) 0xFF, (byte) 0xDB, 0x00, 0x43, 0x00
  };

  private static final byte[] PNG_HEADER = {
    (byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 'I', 'H', 'D', 'R',
    0x00, 0x00, 0x02, (byte) 0x80, 0x00, 0x00, 0x01, (byte) 0xE0, 0x08, 0x06, 0x00, 0x00, 0x00
  };

  private static void binary(SplittableRandom r, Buffer buf, int size, byte[] header) {
    int h = Math.min(header.length, size);
    System.arraycopy(header, 0, buf.bytes, 0, h);
    randomBytes(r, buf.bytes, h, size - h);
  }

  private static void gzip(SplittableRandom r, Buffer buf, int size, long mtimeMillis) {
    int secs = (int) (mtimeMillis / 1000);
    byte[] header = {
      0x1F, (byte) 0x8B, 0x08, 0x00, (byte) secs, (byte) (secs >>> 8), (byte) (secs >>> 16), (byte) (secs >>> 24), 0x00, 0x03
    };
    binary(r, buf, size, header);
  }

  private void zip(SplittableRandom r, Buffer buf, int size, FileSpec spec) {
    byte[] name = (vocab.word(r.nextInt(200)) + "-" + spec.index() + ".bin").getBytes(StandardCharsets.US_ASCII);
    int body = Math.max(0, size - 30 - name.length);
    byte[] header = new byte[30 + name.length];
    header[0] = 'P';
    header[1] = 'K';
    header[2] = 3;
    header[3] = 4;
    header[4] = 20; // version needed
    header[8] = 8; // deflate
    int crc = r.nextInt();
    putInt(header, 14, crc);
    putInt(header, 18, body);
    putInt(header, 22, body * 3);
    header[26] = (byte) name.length;
    System.arraycopy(name, 0, header, 30, name.length);
    binary(r, buf, size, header);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
    b[at + 2] = (byte) (v >>> 16);
    b[at + 3] = (byte) (v >>> 24);
  }

  static void randomBytes(SplittableRandom r, byte[] b, int from, int length) {
    int i = from;
    int end = from + length;
    for (; i + 8 <= end; i += 8) {
      LONGS.set(b, i, r.nextLong());
    }
    if (i < end) {
      long v = r.nextLong();
      for (; i < end; i++, v >>>= 8) {
        b[i] = (byte) v;
      }
    }
  }

  private static final String[] LEVELS = {"INFO ", "INFO ", "INFO ", "INFO ", "INFO ", "DEBUG", "DEBUG", "WARN ", "ERROR", "TRACE"};
  private static final String[] HTTP_METHODS = {"GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH"};
  private static final int[] STATUSES = {200, 200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 404, 500, 503};

  private void logLines(SplittableRandom r, Buffer buf, int size, long mtime) {
    long t = mtime - 3_600_000L + r.nextInt(1000);
    int thread = r.nextInt(16);
    while (buf.length < size) {
      t += r.nextInt(250);
      buf.timestamp(t, true);
      buf.ascii(' ');
      buf.ascii(LEVELS[r.nextInt(LEVELS.length)]);
      buf.ascii(" [worker-");
      buf.decimal(r.nextInt(8) == 0 ? r.nextInt(16) : thread);
      buf.ascii("] ");
      buf.bytes(vocab.logger(r));
      buf.ascii(" - ");
      int shape = r.nextInt(4);
      if (shape == 0) {
        buf.ascii(HTTP_METHODS[r.nextInt(HTTP_METHODS.length)]);
        buf.ascii(" /api/v2/");
        buf.bytes(vocab.zipfWord(r));
        buf.ascii('/');
        buf.decimal(r.nextInt(100_000));
        buf.ascii(" status=");
        buf.decimal(STATUSES[r.nextInt(STATUSES.length)]);
        buf.ascii(" took=");
        buf.decimal(1 + (int) Math.abs(r.nextGaussian() * 40));
        buf.ascii("ms user=");
        buf.bytes(vocab.user(r));
      } else {
        words(r, buf, 4 + r.nextInt(10), false);
        if (shape == 1) {
          buf.ascii(" id=");
          buf.hex(r.nextLong() & 0xFFFFFFFFFFL, 10);
        } else if (shape == 2) {
          buf.ascii(" count=");
          buf.decimal(r.nextInt(5000));
        }
      }
      buf.ascii('\n');
    }
  }

  private void jsonRecords(SplittableRandom r, Buffer buf, int size, long mtime) {
    long id = r.nextInt(10_000_000);
    long t = mtime - 86_400_000L + r.nextInt(100_000);
    boolean array = r.nextBoolean();
    if (array) {
      buf.ascii("[\n");
    }
    while (buf.length < size) {
      id += 1 + r.nextInt(3);
      t += r.nextInt(60_000);
      buf.ascii("{\"id\":");
      buf.decimal(id);
      buf.ascii(",\"ts\":\"");
      buf.timestamp(t, false);
      buf.ascii("\",\"user\":\"");
      buf.bytes(vocab.user(r));
      buf.ascii("\",\"event\":\"");
      buf.bytes(vocab.event(r));
      buf.ascii("\",\"status\":");
      buf.decimal(STATUSES[r.nextInt(STATUSES.length)]);
      buf.ascii(",\"session\":\"");
      buf.hex(r.nextLong(), 8);
      buf.ascii("\",\"tags\":[");
      int tags = r.nextInt(4);
      for (int k = 0; k < tags; k++) {
        if (k > 0) {
          buf.ascii(',');
        }
        buf.ascii('"');
        buf.bytes(vocab.wordBytes(r.nextInt(60)));
        buf.ascii('"');
      }
      buf.ascii("],\"score\":0.");
      buf.decimal(100 + r.nextInt(900));
      buf.ascii(",\"msg\":\"");
      words(r, buf, 3 + r.nextInt(9), false);
      buf.ascii(array ? "\"},\n" : "\"}\n");
    }
  }

  private void csvRows(SplittableRandom r, Buffer buf, int size, long mtime) {
    buf.ascii("order_id,date,customer,product,quantity,unit_price,city,comment\n");
    long id = 100_000 + r.nextInt(900_000);
    long day = Math.floorDiv(mtime, 86_400_000L);
    while (buf.length < size) {
      id += 1 + r.nextInt(5);
      buf.decimal(id);
      buf.ascii(',');
      buf.date(day - r.nextInt(30));
      buf.ascii(',');
      buf.bytes(vocab.user(r));
      buf.ascii(',');
      buf.bytes(vocab.product(r));
      buf.ascii(',');
      buf.decimal(1 + r.nextInt(r.nextInt(10) == 0 ? 100 : 5));
      buf.ascii(',');
      buf.decimal(1 + r.nextInt(500));
      buf.ascii('.');
      buf.decimal(10 + r.nextInt(90));
      buf.ascii(',');
      buf.bytes(vocab.city(r));
      buf.ascii(',');
      if (r.nextInt(4) == 0) {
        buf.ascii('"');
        words(r, buf, 2 + r.nextInt(8), false);
        buf.ascii('"');
      }
      buf.ascii('\n');
    }
  }

  private void markdown(SplittableRandom r, Buffer buf, int size) {
    buf.ascii("# ");
    words(r, buf, 3 + r.nextInt(5), true);
    buf.ascii("\n\n");
    while (buf.length < size) {
      int block = r.nextInt(10);
      if (block == 0) {
        buf.ascii("\n## ");
        words(r, buf, 2 + r.nextInt(5), true);
        buf.ascii("\n\n");
      } else if (block == 1) {
        int items = 2 + r.nextInt(5);
        for (int k = 0; k < items; k++) {
          buf.ascii("- ");
          words(r, buf, 3 + r.nextInt(10), false);
          buf.ascii('\n');
        }
        buf.ascii('\n');
      } else if (block == 2) {
        buf.ascii("```\n");
        int lines = 2 + r.nextInt(6);
        for (int k = 0; k < lines; k++) {
          buf.ascii("    ");
          buf.bytes(vocab.zipfWord(r));
          buf.ascii(" = ");
          buf.bytes(vocab.zipfWord(r));
          buf.ascii('(');
          buf.decimal(r.nextInt(1000));
          buf.ascii(")\n");
        }
        buf.ascii("```\n\n");
      } else {
        paragraph(r, buf);
        buf.ascii("\n\n");
      }
    }
  }

  private void html(SplittableRandom r, Buffer buf, int size) {
    buf.ascii("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    words(r, buf, 3 + r.nextInt(4), true);
    buf.ascii("</title>\n<link rel=\"stylesheet\" href=\"/static/site.css\">\n</head>\n<body>\n<div class=\"content\">\n");
    while (buf.length < size) {
      int block = r.nextInt(8);
      if (block == 0) {
        buf.ascii("<h2 id=\"");
        buf.bytes(vocab.zipfWord(r));
        buf.ascii("\">");
        words(r, buf, 2 + r.nextInt(5), true);
        buf.ascii("</h2>\n");
      } else if (block == 1) {
        buf.ascii("<ul class=\"list\">\n");
        int items = 2 + r.nextInt(5);
        for (int k = 0; k < items; k++) {
          buf.ascii("  <li><a href=\"/");
          buf.bytes(vocab.zipfWord(r));
          buf.ascii('/');
          buf.bytes(vocab.zipfWord(r));
          buf.ascii(".html\">");
          words(r, buf, 2 + r.nextInt(5), false);
          buf.ascii("</a></li>\n");
        }
        buf.ascii("</ul>\n");
      } else {
        buf.ascii("<p class=\"text\">");
        paragraph(r, buf);
        buf.ascii("</p>\n");
      }
    }
  }

  private void plainText(SplittableRandom r, Buffer buf, int size) {
    while (buf.length < size) {
      paragraph(r, buf);
      buf.ascii("\n\n");
    }
  }

  private void paragraph(SplittableRandom r, Buffer buf) {
    int sentences = 2 + r.nextInt(6);
    for (int s = 0; s < sentences; s++) {
      if (s > 0) {
        buf.ascii(' ');
      }
      words(r, buf, 5 + r.nextInt(16), true);
      buf.ascii(r.nextInt(8) == 0 ? '?' : '.');
    }
  }

  /** {@code n} Zipf-distributed words separated by spaces, the first one capitalised if asked. */
  private void words(SplittableRandom r, Buffer buf, int n, boolean capitalise) {
    for (int k = 0; k < n; k++) {
      if (k > 0) {
        buf.ascii(r.nextInt(12) == 0 ? ", " : " ");
      }
      int at = buf.length;
      buf.bytes(vocab.zipfWord(r));
      if (k == 0 && capitalise) {
        buf.bytes[at] = (byte) (buf.bytes[at] - 32);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /** The SplitMix64 finaliser: a good 64-bit mixer. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Seeded word lists; words are held as bytes so text is built by copying. */
  static final class Vocabulary {
    private static final String[] ONSETS = {
      "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "ch", "cl", "dr",
      "fl", "gr", "pl", "pr", "sh", "sl", "st", "str", "th", "tr", ""
    };
    private static final String[] NUCLEI = {"a", "e", "i", "o", "u", "a", "e", "i", "o", "ou", "ea", "ai", "y"};
    private static final String[] CODAS = {"", "", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "ck", "x"};
    private static final String[] EVENTS = {
      "page_view", "click", "login", "logout", "search", "add_to_cart", "checkout", "purchase", "signup", "share",
      "scroll", "video_play", "video_pause", "download", "error", "rating"
    };
    static final int WORDS = 8_000;
    static final int TABLE_BITS = 18;

    private final byte[][] words;
    private final char[] zipf = new char[1 << TABLE_BITS];
    private final byte[][] users;
    private final char[] userZipf = new char[1 << 16];
    private final byte[][] loggers;
    private final byte[][] cities;
    private final byte[][] products;
    private final byte[][] events;

    Vocabulary(SplittableRandom r) {
      java.util.LinkedHashSet<String> set = new java.util.LinkedHashSet<>();
      while (set.size() < WORDS) {
        // Frequent words are short, as in natural language.
        int rank = set.size();
        int syllables = 1 + (rank < 50 ? 0 : rank < 800 ? r.nextInt(2) : 1 + r.nextInt(rank < 3000 ? 2 : 3));
        StringBuilder b = new StringBuilder();
        for (int s = 0; s < syllables; s++) {
          b.append(ONSETS[r.nextInt(ONSETS.length)]).append(NUCLEI[r.nextInt(NUCLEI.length)]);
          if (s == syllables - 1 || r.nextInt(3) == 0) {
            b.append(CODAS[r.nextInt(CODAS.length)]);
          }
        }
        set.add(b.toString());
      }
      words = set.stream().map(w -> w.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
      zipfTable(zipf, WORDS, 1.1, 2.5);

      users = new byte[3_000][];
      for (int i = 0; i < users.length; i++) {
        users[i] = (word(r.nextInt(2000)) + (r.nextBoolean() ? "_" : ".") + word(r.nextInt(4000))
            + (r.nextInt(3) == 0 ? Integer.toString(r.nextInt(100)) : "")).getBytes(StandardCharsets.US_ASCII);
      }
      zipfTable(userZipf, users.length, 0.9, 1);

      String[] packages = {"api", "core", "db", "auth", "billing", "search", "cache", "queue", "http", "storage"};
      String[] suffixes = {"Service", "Controller", "Repository", "Handler", "Client", "Worker", "Scheduler", "Filter"};
      loggers = new byte[60][];
      for (int i = 0; i < loggers.length; i++) {
        String w = word(r.nextInt(300));
        loggers[i] = ("com.acme." + packages[r.nextInt(packages.length)] + "." + Character.toUpperCase(w.charAt(0))
            + w.substring(1) + suffixes[r.nextInt(suffixes.length)]).getBytes(StandardCharsets.US_ASCII);
      }
      cities = new byte[150][];
      for (int i = 0; i < cities.length; i++) {
        String w = word(300 + r.nextInt(3000));
        cities[i] = (Character.toUpperCase(w.charAt(0)) + w.substring(1) + (r.nextInt(4) == 0 ? " City" : ""))
            .getBytes(StandardCharsets.US_ASCII);
      }
      products = new byte[400][];
      for (int i = 0; i < products.length; i++) {
        products[i] = ("SKU-" + (1000 + r.nextInt(9000)) + "-" + word(r.nextInt(1500))).getBytes(StandardCharsets.US_ASCII);
      }
      events = new byte[EVENTS.length][];
      for (int i = 0; i < EVENTS.length; i++) {
        events[i] = EVENTS[i].getBytes(StandardCharsets.US_ASCII);
      }
    }

    /**
     * Fills {@code table} so that a uniform index maps to rank k with probability ~ 1/(k+q)^s
     * (Zipf-Mandelbrot; q flattens the head so that the top word is a few percent, as in English).
     */
    private static void zipfTable(char[] table, int n, double s, double q) {
      double[] cumulative = new double[n];
      double sum = 0;
      for (int k = 0; k < n; k++) {
        sum += 1 / Math.pow(k + q, s);
        cumulative[k] = sum;
      }
      int k = 0;
      for (int j = 0; j < table.length; j++) {
        double u = (j + 0.5) / table.length * sum;
        while (k < n - 1 && cumulative[k] < u) {
          k++;
        }
        table[j] = (char) k;
      }
    }

    String word(int rank) {
      return new String(words[rank], StandardCharsets.US_ASCII);
    }

    byte[] wordBytes(int rank) {
      return words[rank];
    }

    byte[] zipfWord(SplittableRandom r) {
      return words[zipf[r.nextInt() >>> (32 - TABLE_BITS)]];
    }

    byte[] user(SplittableRandom r) {
      return users[userZipf[r.nextInt() >>> 16]];
    }

    byte[] logger(SplittableRandom r) {
      // Skewed: a few loggers write most lines.
      int a = r.nextInt(loggers.length);
      int b = r.nextInt(loggers.length);
      return loggers[Math.min(a, b)];
    }

    byte[] city(SplittableRandom r) {
      return cities[Math.min(r.nextInt(cities.length), r.nextInt(cities.length))];
    }

    byte[] product(SplittableRandom r) {
      return products[Math.min(r.nextInt(products.length), r.nextInt(products.length))];
    }

    byte[] event(SplittableRandom r) {
      return events[Math.min(r.nextInt(events.length), r.nextInt(events.length))];
    }
  }

  /** A growable byte buffer with cheap ASCII formatting; reused across files by one thread. */
  static final class Buffer {
    byte[] bytes;
    int length;

    Buffer(int capacity) {
      bytes = new byte[capacity];
    }

    void reset(int size) {
      // Text writers overshoot the target by at most one record; leave room for it.
      int need = size + 64 * KIB;
      if (bytes.length < need) {
        bytes = new byte[Math.max(need, bytes.length * 2)];
      }
      length = 0;
    }

    private void ensure(int more) {
      if (length + more > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
      }
    }

    void bytes(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, bytes, length, b.length);
      length += b.length;
    }

    void ascii(char c) {
      ensure(1);
      bytes[length++] = (byte) c;
    }

    void ascii(String s) {
      int n = s.length();
      ensure(n);
      for (int i = 0; i < n; i++) {
        bytes[length++] = (byte) s.charAt(i);
      }
    }

    void decimal(long v) {
      ensure(20);
      if (v == 0) {
        bytes[length++] = '0';
        return;
      }
      if (v < 0) {
        bytes[length++] = '-';
        v = -v;
      }
      int digits = 0;
      for (long t = v; t != 0; t /= 10) {
        digits++;
      }
      int end = length + digits;
      for (int i = end - 1; i >= length; i--, v /= 10) {
        bytes[i] = (byte) ('0' + (v % 10));
      }
      length = end;
    }

    private void fixed(int v, int digits) {
      for (int i = length + digits - 1; i >= length; i--, v /= 10) {
        bytes[i] = (byte) ('0' + (v % 10));
      }
      length += digits;
    }

    void hex(long v, int digits) {
      ensure(digits);
      for (int i = length + digits - 1; i >= length; i--, v >>>= 4) {
        bytes[i] = (byte) "0123456789abcdef".charAt((int) (v & 15));
      }
      length += digits;
    }

    void date(long epochDay) {
      ensure(10);
      LocalDate d = LocalDate.ofEpochDay(epochDay);
      fixed(d.getYear(), 4);
      bytes[length++] = '-';
      fixed(d.getMonthValue(), 2);
      bytes[length++] = '-';
      fixed(d.getDayOfMonth(), 2);
    }

    /** {@code 2024-01-03T12:34:56.789Z}, or without millis. */
    void timestamp(long epochMillis, boolean millis) {
      long day = Math.floorDiv(epochMillis, 86_400_000L);
      int ms = (int) Math.floorMod(epochMillis, 86_400_000L);
      date(day);
      ensure(14);
      bytes[length++] = 'T';
      fixed(ms / 3_600_000, 2);
      bytes[length++] = ':';
      fixed(ms / 60_000 % 60, 2);
      bytes[length++] = ':';
      fixed(ms / 1000 % 60, 2);
      if (millis) {
        bytes[length++] = '.';
        fixed(ms % 1000, 3);
      }
      bytes[length++] = 'Z';
    }
  }
}
