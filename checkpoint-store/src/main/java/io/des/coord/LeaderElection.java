package io.des.coord;

/**
 * Elects one leader among the processes that campaign under the same name. A leader that stops
 * renewing (crash, pause, lost connection) is replaced within {@link FencedLocks#leaseTimeout()}
 * plus one campaign interval; it learns that it was deposed on its next check. A check that fails
 * (the backend cannot be reached) counts as deposed: a leader that cannot confirm its term stops
 * acting on it.
 */
public interface LeaderElection extends AutoCloseable {

  /** Starts campaigning in the background; the listener hears every change of this process's role. */
  void start(Listener listener);

  /** Whether this process leads, as the backend saw it at the last renewal or check. */
  boolean isLeader();

  /** The fencing token of the current term, or 0 when not leading. Larger for every new term. */
  long term();

  /** Stops campaigning and steps down if leading. */
  @Override
  void close();

  /** Hears this process's role changes, on a background thread. */
  interface Listener {
    void elected(long term);

    void revoked(long term);
  }
}
