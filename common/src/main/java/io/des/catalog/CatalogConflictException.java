package io.des.catalog;

import java.io.IOException;

/**
 * A commit lost to concurrent commits more times than allowed, or was refused because a writer
 * with a newer fencing token has committed to the key. Nothing was committed.
 */
public class CatalogConflictException extends IOException {
  private static final long serialVersionUID = 1L;

  public CatalogConflictException(String message) {
    super(message);
  }
}
