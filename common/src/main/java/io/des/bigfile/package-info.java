/** BigFile references: the markers that say which shard keys use a BigFile's content, and its safe deletion. */
package io.des.bigfile;
