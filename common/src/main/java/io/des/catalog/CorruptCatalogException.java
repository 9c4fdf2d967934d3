package io.des.catalog;

import java.io.IOException;

/** A catalog generation that cannot be parsed or does not match its key; never retryable. */
public class CorruptCatalogException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptCatalogException(String where, String message) {
    super("Corrupt catalog " + where + ": " + message);
  }
}
