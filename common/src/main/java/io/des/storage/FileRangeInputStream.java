package io.des.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * A stream over {@code [offset, offset + length)} of a file, read with positioned reads so the
 * channel's own position is never shared; ends early at the end of the file. Owns the channel,
 * unless a subclass shares it ({@link #reopen}, {@link #release}).
 */
class FileRangeInputStream extends InputStream {
  /** Reopens per read before giving up: each one means the channel was closed again in between. */
  private static final int MAX_REOPENS = 3;

  private FileChannel channel;
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
    int read;
    for (int attempt = 1; ; attempt++) {
      try {
        read = channel.read(ByteBuffer.wrap(buffer, from, wanted), position);
        break;
      } catch (java.nio.channels.ClosedByInterruptException interrupted) {
        throw interrupted; // this thread's own interrupt closed it
      } catch (java.nio.channels.ClosedChannelException closed) {
        if (attempt == MAX_REOPENS) {
          throw closed;
        }
        channel = reopen(closed);
      }
    }
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

  /**
   * A channel of the same file, open, after {@code channel} was found closed by someone else; this
   * stream owns its channel, so nobody else can have: the failure stands.
   */
  protected FileChannel reopen(java.nio.channels.ClosedChannelException closed) throws IOException {
    throw closed;
  }

  /** Done with the channel: closes it, since this stream owns it. */
  protected void release() throws IOException {
    channel.close();
  }

  @Override
  public void close() throws IOException {
    release();
  }
}
