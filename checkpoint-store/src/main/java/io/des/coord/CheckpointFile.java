package io.des.coord;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The file of one job in {@link LocalCheckpointStore}. Big-endian:
 *
 * <pre>
 * offset  size  field
 *      0     4  magic "DCKP"
 *      4     1  version, 1
 *      5     1  kind: 0 checkpoint, 1 tombstone (no state)
 *      6     8  fence
 *     14     8  savedAt, epoch milliseconds
 *     22     4  state length n
 *     26     n  state
 *   26+n     4  CRC-32C of bytes [0, 26+n)
 * </pre>
 */
final class CheckpointFile {
  static final String SUFFIX = ".ckpt";
  static final int MAGIC_OFFSET = 0;
  static final int MAGIC_LENGTH = 4;
  static final int VERSION_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
  static final int KIND_OFFSET = VERSION_OFFSET + 1;
  static final int FENCE_OFFSET = KIND_OFFSET + 1;
  static final int SAVED_AT_OFFSET = FENCE_OFFSET + Long.BYTES;
  static final int STATE_LENGTH_OFFSET = SAVED_AT_OFFSET + Long.BYTES;
  static final int STATE_OFFSET = STATE_LENGTH_OFFSET + Integer.BYTES;
  static final int CRC_LENGTH = Integer.BYTES;
  static final int MIN_LENGTH = STATE_OFFSET + CRC_LENGTH;

  static final byte[] MAGIC = {'D', 'C', 'K', 'P'};
  static final byte VERSION = 1;
  static final byte KIND_CHECKPOINT = 0;
  static final byte KIND_TOMBSTONE = 1;

  // Longest encoded job id: the name plus ".ckpt.tmp" stays within the 255 bytes of a file name.
  private static final int MAX_ENCODED_ID = 240;

  private CheckpointFile() {}

  /** What a file holds: a checkpoint, or the tombstone of a deleted one ({@code state} null). */
  record Entry(long fence, Instant savedAt, byte[] state) {
    boolean isTombstone() {
      return state == null;
    }
  }

  /** The job id with every byte outside {@code [A-Za-z0-9_-]} as {@code %XX}, plus {@code .ckpt}. */
  static String fileName(String jobId) {
    StringBuilder name = new StringBuilder(jobId.length() + SUFFIX.length());
    for (byte b : jobId.getBytes(UTF_8)) {
      if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_' || b == '-') {
        name.append((char) b);
      } else {
        name.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
      }
    }
    if (name.length() > MAX_ENCODED_ID) {
      throw new IllegalArgumentException(
          "Job id is too long for a checkpoint file name (" + name.length() + " > " + MAX_ENCODED_ID + " encoded): " + jobId);
    }
    return name.append(SUFFIX).toString();
  }

  static byte[] encode(Entry entry) {
    byte[] state = entry.isTombstone() ? new byte[0] : entry.state();
    ByteBuffer out = ByteBuffer.allocate(MIN_LENGTH + state.length);
    out.put(MAGIC).put(VERSION).put(entry.isTombstone() ? KIND_TOMBSTONE : KIND_CHECKPOINT);
    out.putLong(entry.fence()).putLong(entry.savedAt().toEpochMilli()).putInt(state.length).put(state);
    out.putInt(crc(out.array(), out.position()));
    return out.array();
  }

  static Entry decode(String jobId, Path file, byte[] bytes) {
    if (bytes.length < MIN_LENGTH) {
      throw corrupt(jobId, file, "file is " + bytes.length + " bytes, shorter than the minimum " + MIN_LENGTH);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (!Arrays.equals(bytes, MAGIC_OFFSET, MAGIC_LENGTH, MAGIC, 0, MAGIC_LENGTH)) {
      throw corrupt(jobId, file, "expected magic DCKP, found 0x" + HexFormat.of().formatHex(bytes, 0, MAGIC_LENGTH));
    }
    if (bytes[VERSION_OFFSET] != VERSION) {
      throw corrupt(jobId, file, "expected version " + VERSION + ", found " + bytes[VERSION_OFFSET]);
    }
    byte kind = bytes[KIND_OFFSET];
    if (kind != KIND_CHECKPOINT && kind != KIND_TOMBSTONE) {
      throw corrupt(jobId, file, "expected kind 0 or 1, found " + kind);
    }
    int stateLength = in.getInt(STATE_LENGTH_OFFSET);
    if (stateLength < 0 || stateLength != bytes.length - MIN_LENGTH) {
      throw corrupt(jobId, file, "state length " + stateLength + " does not match a file of " + bytes.length + " bytes");
    }
    int stored = in.getInt(STATE_OFFSET + stateLength);
    int actual = crc(bytes, STATE_OFFSET + stateLength);
    if (stored != actual) {
      throw corrupt(jobId, file, String.format("expected CRC-32C %08x, computed %08x", stored, actual));
    }
    byte[] state = kind == KIND_TOMBSTONE ? null : Arrays.copyOfRange(bytes, STATE_OFFSET, STATE_OFFSET + stateLength);
    return new Entry(in.getLong(FENCE_OFFSET), Instant.ofEpochMilli(in.getLong(SAVED_AT_OFFSET)), state);
  }

  private static int crc(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return (int) crc.getValue();
  }

  private static CorruptCheckpointException corrupt(String jobId, Path file, String problem) {
    return new CorruptCheckpointException(jobId, file.toString(), problem);
  }
}
