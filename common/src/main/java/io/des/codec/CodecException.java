package io.des.codec;

import java.io.IOException;

/**
 * Compressed data that cannot be turned back into the expected bytes: a malformed or truncated frame,
 * a size other than the one the index records, or an entry larger than the caller allows. Permanent:
 * retrying reads the same bytes and fails the same way. Messages give the expected and the actual
 * values.
 */
public class CodecException extends IOException {
  private static final long serialVersionUID = 1L;

  public CodecException(String message) {
    super(message);
  }

  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }

  static CodecException sizeMismatch(long expected, long actual) {
    return new CodecException(
        "Decompressed size mismatch: expected " + expected + ", got " + actual);
  }

  static CodecException overrun(long expected) {
    return new CodecException(
        "Decompressed size mismatch: expected " + expected + ", got more than " + expected);
  }

  static CodecException declaredMismatch(Codec codec, long expected, long declared) {
    return new CodecException(
        "Decompressed size mismatch: expected "
            + expected
            + ", the "
            + codec.label()
            + " frame declares "
            + declared);
  }

  static CodecException corrupt(Codec codec, String detail) {
    return new CodecException("Corrupt " + codec.label() + " frame: " + detail);
  }

  static CodecException corrupt(Codec codec, String detail, Throwable cause) {
    return new CodecException("Corrupt " + codec.label() + " frame: " + detail, cause);
  }
}
