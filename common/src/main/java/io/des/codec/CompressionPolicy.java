package io.des.codec;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which codec an entry is stored with. An entry is compressed only when the policy's codec is not
 * NONE, the entry has at least minSize bytes, its UID's suffix is not in skipExtensions (upstream's
 * rule, see {@link #skipsExtensionOf}), the content does not already look compressed ({@link
 * ContentSniffer}), and compression pays: the result is at most minGainRatio of the raw size.
 * Otherwise it is stored as is. Upstream compressed everything not in its skip list, even when the
 * output grew (5 bytes became 28 with lz4); the size and gain checks are DES additions. Immutable
 * and thread-safe.
 *
 * @param codec the codec to try
 * @param level the codec's level (zstd: 0 or less means 3; lz4: 2 or less means fast)
 * @param skipExtensions lowercased suffixes, each with its leading dot, never compressed
 * @param minGainRatio keep the compressed form only if stored <= minGainRatio * raw; in (0, 1]
 * @param minSize entries shorter than this are stored as is without trying
 */
public record CompressionPolicy(
    Codec codec, int level, Set<String> skipExtensions, double minGainRatio, int minSize) {

  /** Upstream's list, exactly: .jpg .jpeg .png .gif .gz .zip .bz2 .xz. */
  public static final Set<String> UPSTREAM_SKIP_EXTENSIONS =
      Set.of(".jpg", ".jpeg", ".png", ".gif", ".gz", ".zip", ".bz2", ".xz");

  public static final double DEFAULT_MIN_GAIN_RATIO = 0.97;
  public static final int DEFAULT_MIN_SIZE = 64;

  public CompressionPolicy {
    Objects.requireNonNull(codec, "codec");
    Compressors.checkLevel(codec, level);
    skipExtensions =
        skipExtensions.stream()
            .map(e -> e.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    for (String extension : skipExtensions) {
      if (extension.length() < 2 || extension.charAt(0) != '.') {
        throw new IllegalArgumentException(
            "Skip extension '" + extension + "' must be a dot followed by at least one character");
      }
    }
    if (!(minGainRatio > 0 && minGainRatio <= 1)) {
      throw new IllegalArgumentException("minGainRatio " + minGainRatio + " is outside (0, 1]");
    }
    if (minSize < 0) {
      throw new IllegalArgumentException("minSize " + minSize + " is negative");
    }
  }

  /** Store everything as is (upstream's ShardWriter default and what every upstream packer did). */
  public static CompressionPolicy none() {
    return of(Codec.NONE, 0);
  }

  /** DES's default: zstd level 3 (also what upstream's CompressionConfig() meant). */
  public static CompressionPolicy defaults() {
    return of(Codec.ZSTD, 3);
  }

  /** Upstream's "speed" profile: lz4 at python-lz4's default level 0. */
  public static CompressionPolicy upstreamSpeed() {
    return of(Codec.LZ4, 0);
  }

  /** Upstream's "balanced" profile: zstd level 5. */
  public static CompressionPolicy upstreamBalanced() {
    return of(Codec.ZSTD, 5);
  }

  /** Upstream's "aggressive" profile: zstd level 9. */
  public static CompressionPolicy upstreamAggressive() {
    return of(Codec.ZSTD, 9);
  }

  /** The given codec and level with upstream's skip list and DES's gain and size thresholds. */
  public static CompressionPolicy of(Codec codec, int level) {
    return new CompressionPolicy(
        codec, level, UPSTREAM_SKIP_EXTENSIONS, DEFAULT_MIN_GAIN_RATIO, DEFAULT_MIN_SIZE);
  }

  public CompressionPolicy withSkipExtensions(Set<String> extensions) {
    return new CompressionPolicy(codec, level, extensions, minGainRatio, minSize);
  }

  public CompressionPolicy withMinGainRatio(double ratio) {
    return new CompressionPolicy(codec, level, skipExtensions, ratio, minSize);
  }

  public CompressionPolicy withMinSize(int size) {
    return new CompressionPolicy(codec, level, skipExtensions, minGainRatio, size);
  }

  /**
   * Decides and, if it pays, compresses content[off, off + len) of the entry named uid. A NONE
   * result shares the content array.
   */
  public Encoded encode(String uid, byte[] content, int off, int len) {
    Objects.checkFromIndexSize(off, len, content.length);
    if (codec == Codec.NONE
        || len < minSize
        || skipsExtensionOf(uid)
        || ContentSniffer.looksCompressed(content, off, len)) {
      return Encoded.uncompressed(content, off, len);
    }
    byte[] compressed = Compressors.compress(codec, level, content, off, len);
    if (compressed.length > len * minGainRatio) {
      return Encoded.uncompressed(content, off, len);
    }
    return new Encoded(codec, compressed, 0, compressed.length, len);
  }

  /**
   * Whether the UID's suffix is in the skip list. The suffix is Python's {@code
   * PurePosixPath(uid).suffix.lower()}: from the last dot of the last path component, and empty
   * when that dot is the first or the last character. So "abc.JPG", "archive.tar.gz" and "a/b.png"
   * are skipped, while ".jpg" (a dot-file) and "file." are not.
   */
  public boolean skipsExtensionOf(String uid) {
    String suffix = suffix(uid);
    return !suffix.isEmpty() && skipExtensions.contains(suffix.toLowerCase(Locale.ROOT));
  }

  static String suffix(String uid) {
    // pathlib drops empty and "." components, so "a.png/" and "a.png/." are named "a.png".
    String name = "";
    int end = uid.length();
    while (end > 0) {
      int slash = uid.lastIndexOf('/', end - 1);
      String part = uid.substring(slash + 1, end);
      if (!part.isEmpty() && !part.equals(".")) {
        name = part;
        break;
      }
      end = Math.max(slash, 0);
    }
    int dot = name.lastIndexOf('.');
    return dot > 0 && dot < name.length() - 1 ? name.substring(dot) : "";
  }
}
