/** The per-shard-key catalog of live shard versions: create-only numbered generations, no database. */
package io.des.catalog;
