package io.des.pack;

import java.util.List;

/** The input has problems; nothing was written. The message lists the first of them. */
public class InvalidInputException extends Exception {
  private static final long serialVersionUID = 1L;
  private static final int SHOWN = 20;
  private final transient List<InputProblem> problems;

  public InvalidInputException(List<InputProblem> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  public List<InputProblem> problems() {
    return problems;
  }

  private static String message(List<InputProblem> problems) {
    StringBuilder sb = new StringBuilder();
    sb.append(problems.size()).append(problems.size() == 1 ? " input problem" : " input problems").append(", nothing was packed:");
    for (int i = 0; i < Math.min(SHOWN, problems.size()); i++) {
      sb.append("\n  ").append(problems.get(i));
    }
    if (problems.size() > SHOWN) {
      sb.append("\n  ... and ").append(problems.size() - SHOWN).append(" more");
    }
    return sb.toString();
  }
}
