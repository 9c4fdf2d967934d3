/** Repack and purge: rewriting a shard without its tombstoned entries, swapping it in, and erasing the old version. */
package io.des.repack;
