package io.des.bigfile;

import io.des.storage.RetryableStorageException;

/**
 * A packer could not reference a BigFile's content because a purge is deleting it. Nothing that
 * depends on the content was written; a retry after the purge uploads the content again.
 */
public class BigFileBusyException extends RetryableStorageException {
  private static final long serialVersionUID = 1L;

  public BigFileBusyException(String message) {
    super(message, null);
  }
}
