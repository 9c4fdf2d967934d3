package io.des.repack;

import java.io.IOException;

/**
 * A retired version was deleted but is still there when checked. The catalog keeps listing it and
 * no erasure record is written; the next purge tries again.
 */
public class PurgeNotConfirmedException extends IOException {
  private static final long serialVersionUID = 1L;

  public PurgeNotConfirmedException(String message) {
    super(message);
  }
}
