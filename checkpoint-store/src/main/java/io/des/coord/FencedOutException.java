package io.des.coord;

/** A write carried a fencing token older than one the store has already seen. */
public class FencedOutException extends CoordinationException {
  private final long token;
  private final long newer;

  public FencedOutException(String what, long token, long newer) {
    super(what + " refused: fencing token " + token + " is older than " + newer);
    this.token = token;
    this.newer = newer;
  }

  public long token() {
    return token;
  }

  public long newer() {
    return newer;
  }
}
