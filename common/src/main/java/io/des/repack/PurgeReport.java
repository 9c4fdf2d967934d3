package io.des.repack;

import java.util.List;

/**
 * What a purge did.
 *
 * @param deleted retired versions and orphans deleted (and checked to be gone)
 * @param erasureRecords erasure records written
 * @param heldBack versions due for deletion that were kept for a later purge, each with why (the
 *     content of a deleted BigFile in them could not be released yet); empty normally
 */
public record PurgeReport(List<String> deleted, long erasureRecords, List<String> heldBack) {

  public PurgeReport {
    deleted = List.copyOf(deleted);
    heldBack = List.copyOf(heldBack);
  }
}
