/**
 * Pack jobs: the unit of work the coordinator publishes and a worker runs. A job names one shard
 * key, the source its files come from and the files themselves; its id is a hash of all of that, so
 * the same work always has the same id (docs/fleet.md).
 */
package io.des.job;
