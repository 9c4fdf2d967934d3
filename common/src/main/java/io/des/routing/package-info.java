/** Routing of a file to its shard: the upstream-compatible shard index, hex name and date directory. */
package io.des.routing;
