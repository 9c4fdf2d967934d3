#!/usr/bin/python3
"""Golden LZ4 and zstd frames written by the Python libraries upstream DES uses.

Run with Debian's Python 3.11 and its python3-lz4 (4.0.2, liblz4 1.9.4) and python3-zstandard
(0.20.0) packages:

    /usr/bin/python3 make-codec-golden.py                 # (re)writes the frames and manifest.tsv
    /usr/bin/python3 make-codec-golden.py --check-java D  # decodes the frames Java wrote into D

Frames are written exactly as upstream's writer makes them, lz4.frame.compress(data) (python-lz4
defaults: 64 KiB blocks, LINKED blocks for inputs over one block, content size, no checksums) and
zstandard.ZstdCompressor(level=3).compress(data), plus a few non-default variants a reader must
also accept. The raw inputs are not committed; manifest.tsv records their length and SHA-256.
Inputs are deterministic and compress well, so the frames stay small.

--check-java D reads D/manifest.tsv (name, codec, raw length, sha256) written by CodecGoldenTest
and checks that python-lz4 / zstandard decode every frame to those bytes; it is a manual check,
the Java tests never need Python.
"""
import hashlib
import os
import random
import sys

import lz4.frame
import zstandard

HERE = os.path.dirname(os.path.abspath(__file__))


def text(n, seed, vocabulary=400):
    rnd = random.Random(seed)
    words = ["".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9)))
             for _ in range(vocabulary)]
    out = []
    size = 0
    while size <= n:
        w = rnd.choice(words)
        out.append(w)
        size += len(w) + 1
    return " ".join(out).encode("ascii")[:n]


def inputs():
    period = text(1000, 1)  # a 1 KB paragraph repeated: matches reach back across block boundaries
    rnd = random.Random(2)
    return {
        "empty": b"",
        "hello": b"hello",
        "text-1k": text(1024, 3),
        "noise-300": bytes(rnd.randrange(256) for _ in range(300)),  # stored as a raw block
        "repeated-200k": (period * 205)[: 200 * 1024],
        "exact-64k": (period * 66)[: 64 * 1024],
        # one incompressible stretch inside a linked frame
        "mixed-130k": (period * 70)[:70000] + bytes(rnd.randrange(256) for _ in range(300)) + (period * 60)[:59300],
    }


def frames(name, data):
    yield "lz4", "default", lz4.frame.compress(data)
    yield "zstd", "level3", zstandard.ZstdCompressor(level=3).compress(data)
    if name == "repeated-200k":
        yield "lz4", "checksums", lz4.frame.compress(data, block_checksum=True, content_checksum=True)
        yield "lz4", "256k-nosize", lz4.frame.compress(data, block_size=lz4.frame.BLOCKSIZE_MAX256KB,
                                                       store_size=False)
        yield "lz4", "hc9", lz4.frame.compress(data, compression_level=9)
        yield "zstd", "nosize", zstandard.ZstdCompressor(level=3, write_content_size=False).compress(data)
        yield "zstd", "checksum", zstandard.ZstdCompressor(level=19, write_checksum=True).compress(data)


def generate():
    lines = ["# file\tcodec\tvariant\traw_length\traw_sha256\tframe_flags"]
    total = 0
    for name, data in inputs().items():
        for codec, variant, frame in frames(name, data):
            file = "%s.%s.%s" % (name, variant, "lz4" if codec == "lz4" else "zst")
            with open(os.path.join(HERE, file), "wb") as f:
                f.write(frame)
            total += len(frame)
            flags = "FLG=%02X BD=%02X" % (frame[4], frame[5]) if codec == "lz4" else "FHD=%02X" % frame[4]
            lines.append("\t".join([file, codec, variant, str(len(data)),
                                    hashlib.sha256(data).hexdigest(), flags]))
    with open(os.path.join(HERE, "manifest.tsv"), "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %d frames, %d bytes, with lz4 %s (liblz4 %s) and zstandard %s" % (
        len(lines) - 1, total, lz4.__version__, lz4.library_version_string(), zstandard.__version__))


def check_java(directory):
    failures = 0
    count = 0
    with open(os.path.join(directory, "manifest.tsv")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            file, codec, length, sha = line.rstrip("\n").split("\t")
            with open(os.path.join(directory, file), "rb") as g:
                frame = g.read()
            if codec == "lz4":
                data = lz4.frame.decompress(frame)
                info = lz4.frame.get_frame_info(frame)
                detail = "linked=%s content_size=%s" % (info["block_linked"], info["content_size"])
            else:
                data = zstandard.ZstdDecompressor().decompress(frame, max_output_size=int(length))
                params = zstandard.get_frame_parameters(frame)
                detail = "content_size=%s checksum=%s" % (params.content_size, params.has_checksum)
            ok = len(data) == int(length) and hashlib.sha256(data).hexdigest() == sha
            count += 1
            failures += not ok
            print("%-4s %-40s %s %s" % ("ok" if ok else "FAIL", file, length, detail))
    print("%d of %d Java frames decoded correctly by python" % (count - failures, count))
    return failures


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check-java":
        sys.exit(1 if check_java(sys.argv[2]) else 0)
    generate()
