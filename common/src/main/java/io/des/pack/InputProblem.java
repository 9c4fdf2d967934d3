package io.des.pack;

/** Why one input file cannot be packed: where it came from and what is wrong. */
public record InputProblem(String where, String reason) {
  @Override
  public String toString() {
    return where + ": " + reason;
  }
}
