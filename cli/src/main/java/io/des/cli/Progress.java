package io.des.cli;

import io.des.pack.PackListener;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress line on stderr for long work: done/total files and bytes, rate and ETA. Redrawn in
 * place on a terminal every half second; a plain line every 5 seconds otherwise (logs, CI).
 */
final class Progress implements PackListener {
  private final PrintWriter err;
  private final String verb;
  private final String unit;
  private final boolean enabled;
  private final boolean terminal = System.console() != null;
  private final long startNanos = System.nanoTime();
  private final AtomicLong files = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private long totalFiles;
  private long totalBytes;
  private long lastDraw;

  Progress(PrintWriter err, String verb, boolean enabled) {
    this(err, verb, "files", enabled);
  }

  /** @param unit what is counted ("files", "shards") */
  Progress(PrintWriter err, String verb, String unit, boolean enabled) {
    this.err = err;
    this.verb = verb;
    this.unit = unit;
    this.enabled = enabled;
  }

  @Override
  public synchronized void planned(long files, long bytes) {
    totalFiles += files;
    totalBytes += bytes;
  }

  @Override
  public void packed(long size) {
    files.incrementAndGet();
    bytes.addAndGet(size);
    maybeDraw();
  }

  void step(long size) {
    packed(size);
  }

  private synchronized void maybeDraw() {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    long interval = terminal ? 500_000_000L : 5_000_000_000L;
    if (now - lastDraw < interval) {
      return;
    }
    lastDraw = now;
    draw(false);
  }

  synchronized void finish() {
    if (enabled && lastDraw != 0) {
      draw(true);
    }
  }

  private void draw(boolean last) {
    double seconds = Math.max((System.nanoTime() - startNanos) / 1e9, 1e-9);
    double mb = bytes.get() / 1e6;
    double rate = mb / seconds;
    String eta = "";
    if (totalBytes > 0 && bytes.get() > 0 && !last) {
      long remaining = (long) ((totalBytes - bytes.get()) / (bytes.get() / seconds));
      eta = String.format("  ETA %d:%02d", remaining / 60, remaining % 60);
    }
    String line = String.format("%s %,d/%,d %s  %,.1f/%,.1f MB  %,.1f MB/s%s",
        verb, files.get(), totalFiles, unit, mb, totalBytes / 1e6, rate, eta);
    if (terminal) {
      err.print("\r" + line + (last ? "\n" : ""));
    } else {
      err.println(line);
    }
    err.flush();
  }
}
