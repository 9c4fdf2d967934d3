package io.des.pack;

import java.util.List;

/** The input has problems; nothing was written. The message lists the first of them. */
public class InvalidInputException extends Exception {
  private static final long serialVersionUID = 1L;
  private static final int SHOWN = 20;
  private final transient List<InputProblem> problems;

  public InvalidInputException(List<InputProblem> problems) {
    this(problems, problems.size());
  }

  /** The first {@code problems} of {@code total}, for inputs too large to keep every problem of. */
  public InvalidInputException(List<InputProblem> problems, long total) {
    super(message(problems, total));
    this.problems = List.copyOf(problems);
  }

  public List<InputProblem> problems() {
    return problems;
  }

  private static String message(List<InputProblem> problems, long total) {
    StringBuilder sb = new StringBuilder();
    sb.append(total).append(total == 1 ? " input problem" : " input problems").append(", nothing was packed:");
    int shown = Math.min(SHOWN, problems.size());
    for (int i = 0; i < shown; i++) {
      sb.append("\n  ").append(problems.get(i));
    }
    if (total > shown) {
      sb.append("\n  ... and ").append(total - shown).append(" more");
    }
    return sb.toString();
  }
}
