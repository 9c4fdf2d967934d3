/**
 * Coordination for the packing fleet: fenced locks per shard key, leader election for the
 * coordinator, checkpoints of running jobs, and the job ledger that stops the same work from being
 * published twice. Each contract has a Redis implementation (through Redisson, for a fleet) and a
 * local one (one JVM, for the single-machine default and for tests): {@link
 * io.des.coord.RedisCoordination} builds the first set, {@link io.des.coord.LocalFencedLocks},
 * {@link io.des.coord.LocalCheckpointStore} and {@link io.des.coord.LocalJobLedger} are the second,
 * and {@link io.des.coord.LockLeaderElection} elects on the locks of either.
 *
 * <p>Fencing tokens only protect what checks them: the shard catalog refuses a commit whose token
 * is older than one it has recorded, and {@link io.des.coord.CheckpointStore} refuses a save with an
 * older token. A worker never decides on its own that it still holds its lock.
 */
package io.des.coord;
