package io.des.repack;

import java.util.List;

/**
 * What a purge did.
 *
 * @param deleted retired versions deleted (and checked to be gone)
 * @param erasureRecords erasure records written
 */
public record PurgeReport(List<String> deleted, long erasureRecords) {

  public PurgeReport {
    deleted = List.copyOf(deleted);
  }
}
