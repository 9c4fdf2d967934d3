package io.des.format;

import java.io.IOException;

/**
 * A shard or entry is larger than this reader's configured limits allow; raise the limit or stream
 * the entry. The shard may be valid.
 */
public class ShardLimitExceededException extends IOException {
  private static final long serialVersionUID = 1L;

  public ShardLimitExceededException(String message) {
    super(message);
  }
}
