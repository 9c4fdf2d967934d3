package io.des.coord;

/** A lease of {@link LocalFencedLocks}. */
final class LocalFencedLease implements FencedLease {
  private final LocalFencedLocks locks;
  private final String name;
  private final long token;

  LocalFencedLease(LocalFencedLocks locks, String name, long token) {
    this.locks = locks;
    this.name = name;
    this.token = token;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long token() {
    return token;
  }

  @Override
  public boolean isHeld() {
    return locks.holds(this);
  }

  @Override
  public void close() {
    locks.release(this);
  }

  @Override
  public String toString() {
    return "LocalFencedLease[" + name + ", token " + token + "]";
  }
}
