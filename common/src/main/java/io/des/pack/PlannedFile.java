package io.des.pack;

import io.des.routing.ShardKey;

/** A validated source file with its routing key and measured size. */
record PlannedFile(SourceFile source, ShardKey key, long size) {}
