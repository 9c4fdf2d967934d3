package io.des.format;

import java.io.IOException;

/**
 * A shard's bytes violate the format. Never retryable: reading the same bytes again gives the same
 * answer. The message names the shard, the offset and the expected and actual values.
 */
public class CorruptShardException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptShardException(String shard, String message) {
    super("Corrupt shard " + shard + ": " + message);
  }

  public CorruptShardException(String shard, String message, Throwable cause) {
    super("Corrupt shard " + shard + ": " + message, cause);
  }
}
