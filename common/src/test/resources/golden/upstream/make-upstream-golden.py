#!/usr/bin/env python3
"""Writes the upstream-format golden shards exactly as docs/format.md and the upstream digest
(sections 1.2-1.6) describe the Python writers (BASE: v1, HEAD: v2). Run once; the outputs are
committed and frozen. Uses only the standard library (no compression: upstream packers never
compress; compressed golden entries live under golden/codec/)."""
import hashlib, json, os, struct

HERE = os.path.dirname(os.path.abspath(__file__))

def header(version):
    return b"DES2" + bytes([version]) + b"\0\0\0"

def footer(index):
    return b"DESI" + struct.pack("<Q", len(index))

def v1(entries):
    data, idx, pos = b"", b"", 8
    for uid, payload in entries:
        u = uid.encode("utf-8")
        idx += struct.pack("<H", len(u)) + u + struct.pack("<QQBQQ", pos, len(payload), 0, len(payload), len(payload))
        data += payload
        pos += len(payload)
    index = struct.pack("<I", len(entries)) + idx
    return header(1) + data + index + footer(index)

def meta_bytes(meta):
    if not meta:
        return b""
    return json.dumps(meta, separators=(",", ":"), ensure_ascii=True).encode("ascii")

def v2(entries):
    """entries: (uid, payload or None, meta, bigfile_payload or None)"""
    data, idx, pos = b"", b"", 8
    for uid, payload, meta, big in entries:
        u = uid.encode("utf-8")
        m = meta_bytes(meta)
        if big is not None:
            h = hashlib.sha256(big).hexdigest().encode("ascii")
            idx += struct.pack("<H", len(u)) + u + b"\x01" + struct.pack("<H", len(h)) + h + struct.pack("<QI", len(big), len(m)) + m
            continue
        idx += struct.pack("<H", len(u)) + u + b"\x00" + struct.pack("<QQBQQI", pos, len(payload), 0, len(payload), len(payload), len(m)) + m
        data += payload
        pos += len(payload)
    index = struct.pack("<I", len(entries)) + idx
    return header(2) + data + index + footer(index)

def write(name, content):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(content)

# The digest's worked example (section 1.5): 117 bytes at HEAD, 107 at BASE.
hello = [("a", b"hello"), ("b", b"world!")]
write("v2-hello-world.des", v2([(u, p, None, None) for u, p in hello]))
write("v1-hello-world.des", v1(hello))
# The upstream test's hand-built legacy shard.
write("v1-legacy.des", v1([("legacy-uid", b"legacy-data")]))
# Meta JSON, non-ASCII uids, an empty entry, numeric uids.
write("v2-meta-unicode-empty.des", v2([
    ("file-\u00e4\u20ac", "zawarto\u015b\u0107 \u00e4\u20ac".encode("utf-8"), {"created_at": "2024-03-01T00:00:00Z", "note": "\u00e4"}, None),
    ("empty", b"", None, None),
    ("00042", b"forty-two", {"k": [1, 2, {"x": None}]}, None),
]))
# A BigFile (threshold 10 bytes in the upstream test) beside the shard.
big = bytes(range(64))
write("v2-bigfile.des", v2([("small", b"tiny", None, None), ("large", None, None, big)]))
os.makedirs(os.path.join(HERE, "_bigFiles"), exist_ok=True)
write(os.path.join("_bigFiles", hashlib.sha256(big).hexdigest()), big)
# The smallest valid shard: no entries (24 bytes).
write("v2-empty.des", v2([]))
print("ok")
