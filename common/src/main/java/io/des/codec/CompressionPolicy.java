package io.des.codec;

import com.github.luben.zstd.Zstd;
import java.util.Locale;
import java.util.Set;

/** Interim policy (zstd or none); replaced by the full codec package. */
public record CompressionPolicy(Codec codec, int level, Set<String> skipExtensions, double minGainRatio, int minSize) {
  public static final Set<String> UPSTREAM_SKIP = Set.of(".jpg", ".jpeg", ".png", ".gif", ".gz", ".zip", ".bz2", ".xz");

  public record Encoded(Codec codec, byte[] stored, int storedOffset, int storedLength) {}

  public static CompressionPolicy none() {
    return new CompressionPolicy(Codec.NONE, 0, UPSTREAM_SKIP, 0.97, 64);
  }

  public static CompressionPolicy defaults() {
    return new CompressionPolicy(Codec.ZSTD, 3, UPSTREAM_SKIP, 0.97, 64);
  }

  public static CompressionPolicy upstreamSpeed() {
    return defaults();
  }

  public CompressionPolicy withCodec(Codec c, int l) {
    return new CompressionPolicy(c, l, skipExtensions, minGainRatio, minSize);
  }

  public Encoded encode(String uid, byte[] content, int off, int len) {
    if (codec == Codec.NONE || len < minSize || skipped(uid)) {
      return new Encoded(Codec.NONE, content, off, len);
    }
    byte[] src = off == 0 && len == content.length ? content : java.util.Arrays.copyOfRange(content, off, off + len);
    byte[] z = Zstd.compress(src, level);
    if (z.length > len * minGainRatio) {
      return new Encoded(Codec.NONE, content, off, len);
    }
    return new Encoded(Codec.ZSTD, z, 0, z.length);
  }

  private boolean skipped(String uid) {
    int slash = uid.lastIndexOf('/');
    String name = uid.substring(slash + 1);
    int dot = name.lastIndexOf('.');
    if (dot <= 0 || dot == name.length() - 1) {
      return false;
    }
    return skipExtensions.contains(name.substring(dot).toLowerCase(Locale.ROOT));
  }
}
