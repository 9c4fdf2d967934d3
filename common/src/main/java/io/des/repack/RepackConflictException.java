package io.des.repack;

import java.io.IOException;

/**
 * Another repacker got there first: the shard is no longer live in the key's catalog, or the name
 * of the new version was taken. Nothing of this attempt is live and its new version, if it wrote
 * one, is deleted. Not an error of the data; the next run finds the key as the winner left it.
 */
public class RepackConflictException extends IOException {
  private static final long serialVersionUID = 1L;

  public RepackConflictException(String message) {
    super(message);
  }
}
