package io.des.pack;

import java.util.ArrayList;
import java.util.List;

/** Input problems of a streamed input: the first hundred kept for the report, all of them counted. */
public final class InputProblems {
  private static final int KEPT = 100;
  private final List<InputProblem> first = new ArrayList<>();
  private long count;

  public void add(InputProblem problem) {
    if (first.size() < KEPT) {
      first.add(problem);
    }
    count++;
  }

  public long count() {
    return count;
  }

  public InvalidInputException toException() {
    return new InvalidInputException(first, count);
  }
}
