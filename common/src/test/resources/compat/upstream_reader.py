#!/usr/bin/env python3
"""An independent re-implementation of the upstream Python DES reader (HEAD, shard_io.ShardReader),
written from ../shared/docs/upstream-des.md sections 1.1-1.8, with its checks and its blind spots.
It proves that shards DES writes are readable by upstream: it must never look at DES's seal or
meta keys, exactly as upstream does not.

Usage: upstream_reader.py SHARD   ->  prints one line per entry: "<uid>\t<sha256 of content>"
Exit 1 with upstream's message on any error."""
import hashlib, json, os, struct, sys

import lz4.frame
import zstandard


def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)


def main(path):
    data = open(path, "rb").read()
    if len(data) < 8:
        fail("File too small to be a valid DES shard.")
    if data[:4] != b"DES2":
        fail("Invalid shard header magic.")
    version = data[4]
    if version not in (1, 2):
        fail("Unsupported shard version: %d" % version)
    if data[5:8] != b"\0\0\0":
        fail("Invalid shard header reserved bytes.")
    if len(data) < 20:
        fail("File too small to be a valid DES shard.")
    if data[-12:-8] != b"DESI":
        fail("Invalid shard footer magic.")
    (index_size,) = struct.unpack("<Q", data[-8:])
    index_offset = len(data) - 12 - index_size
    if index_offset < 8:
        fail("Computed index offset is invalid.")
    index = data[index_offset:index_offset + index_size]
    if len(index) < 4:
        fail("Index too small to contain entry count.")
    (count,) = struct.unpack_from("<I", index, 0)
    pos = 4
    entries = {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<H", index, pos); pos += 2
        uid = index[pos:pos + name_len].decode("utf-8"); pos += name_len
        if version == 1:
            offset, length, codec, csize, usize = struct.unpack_from("<QQBQQ", index, pos); pos += 33
            entries[uid] = ("inline", offset, length, codec, usize, None)
            continue
        flags = index[pos]; pos += 1
        if flags & 1:
            (hash_len,) = struct.unpack_from("<H", index, pos); pos += 2
            h = index[pos:pos + hash_len].decode("utf-8"); pos += hash_len
            size, meta_len = struct.unpack_from("<QI", index, pos); pos += 12
            meta = index[pos:pos + meta_len]; pos += meta_len
            entries[uid] = ("big", 0, 0, 0, size, h)
        else:
            offset, length, codec, csize, usize, meta_len = struct.unpack_from("<QQBQQI", index, pos); pos += 37
            meta = index[pos:pos + meta_len]; pos += meta_len
            if meta_len and not isinstance(json.loads(meta.decode("utf-8")), dict):
                fail("Index metadata must decode to a mapping")
            entries[uid] = ("inline", offset, length, codec, usize, None)
    for uid, (kind, offset, length, codec, usize, h) in entries.items():
        if kind == "big":
            with open(os.path.join(os.path.dirname(path), "_bigFiles", h), "rb") as f:
                content = f.read()
            if len(content) != usize:
                fail("Bigfile size mismatch for UID %s" % uid)
        else:
            if offset + length > index_offset:
                fail("Indexed file extends beyond data section.")
            stored = data[offset:offset + length]
            if codec == 0:
                content = stored
            elif codec == 1:
                content = zstandard.ZstdDecompressor().decompress(stored, max_output_size=usize)
            elif codec == 2:
                content = lz4.frame.decompress(stored)
            else:
                fail("Unknown codec byte %d" % codec)
            if codec != 0 and len(content) != usize:
                fail("Decompressed size mismatch")
        print("%s\t%s" % (uid, hashlib.sha256(content).hexdigest()))


if __name__ == "__main__":
    main(sys.argv[1])
