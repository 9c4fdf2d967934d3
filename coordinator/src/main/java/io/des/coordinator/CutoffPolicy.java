package io.des.coordinator;

import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/** Decides the cut-off of each database scan: a fixed age ({@link AgeCutoff}) or a {@link Watermark}. */
interface CutoffPolicy {

  /**
   * The cut-off for the scan about to start. The watermark also advances here, as far as the
   * archived rows allow; the age cut-off touches nothing.
   *
   * @param type how the source table's created_at column is bound
   */
  Cutoff next(JdbcTemplate jdbc, TimestampType type);

  /** The policy's settings and state, for {@code /status}. */
  Map<String, Object> describe();
}
