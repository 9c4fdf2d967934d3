package io.des.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * A stream over {@code [offset, offset + length)} of a file, read with positioned reads so the
 * channel's own position is never shared; ends early at the end of the file. Owns the channel.
 */
final class FileRangeInputStream extends InputStream {
  private final FileChannel channel;
  private long position;
  private long remaining;

  FileRangeInputStream(FileChannel channel, long offset, long length) {
    this.channel = channel;
    this.position = offset;
    this.remaining = length;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int from, int count) throws IOException {
    Objects.checkFromIndexSize(from, count, buffer.length);
    if (count == 0) {
      return 0;
    }
    if (remaining == 0) {
      return -1;
    }
    int wanted = (int) Math.min(count, remaining);
    int read = channel.read(ByteBuffer.wrap(buffer, from, wanted), position);
    if (read < 0) {
      remaining = 0;
      return -1;
    }
    position += read;
    remaining -= read;
    return read;
  }

  @Override
  public long skip(long count) throws IOException {
    long skipped = Math.max(0, Math.min(count, Math.min(remaining, channel.size() - position)));
    position += skipped;
    remaining -= skipped;
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, Math.min(remaining, channel.size() - position)));
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
