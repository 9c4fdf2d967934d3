package io.des.codec;

/**
 * The codec of a stored entry. The ids are written to disk and frozen: never renumber or reuse one,
 * never use {@link #ordinal()}.
 */
public enum Codec {
  /** Stored as is. */
  NONE(0, "none"),
  /** One standard zstd frame with the content size in its header. */
  ZSTD(1, "zstd"),
  /** The LZ4 frame format (magic 04 22 4D 18), not raw blocks. */
  LZ4(2, "lz4");

  private final int id;
  private final String label;

  Codec(int id, String label) {
    this.id = id;
    this.label = label;
  }

  /** The byte written to the index. */
  public int id() {
    return id;
  }

  /** The name used in JSON and on the command line: none, zstd, lz4. */
  public String label() {
    return label;
  }

  /**
   * The codec with this on-disk id.
   *
   * @throws IllegalArgumentException "Unknown codec byte N", as the upstream reader says
   */
  public static Codec fromId(int id) {
    return switch (id) {
      case 0 -> NONE;
      case 1 -> ZSTD;
      case 2 -> LZ4;
      default -> throw new IllegalArgumentException("Unknown codec byte " + id);
    };
  }

  /** The codec with this label, case-insensitive. */
  public static Codec fromLabel(String label) {
    for (Codec codec : values()) {
      if (codec.label.equalsIgnoreCase(label)) {
        return codec;
      }
    }
    throw new IllegalArgumentException("Unknown codec '" + label + "' (expected none, zstd or lz4)");
  }
}
