/** Packing: reading sources and manifests, planning shards per key, and writing them by streaming. */
package io.des.pack;
