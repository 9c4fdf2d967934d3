package io.des.routing;

/**
 * Untrusted input made safe to put in an exception message: at most {@link #MAX_CHARS} characters,
 * control characters and unpaired surrogates escaped as {@code \}{@code uXXXX}, so a hostile UID or
 * created_at cannot forge log lines or flood a log.
 */
final class Quoted {

  static final int MAX_CHARS = 100;

  private Quoted() {}

  /** The input in single quotes, escaped and cut to {@link #MAX_CHARS} characters. */
  static String of(String input) {
    if (input == null) {
      return "null";
    }
    int shown = Math.min(input.length(), MAX_CHARS);
    if (shown < input.length() && Character.isHighSurrogate(input.charAt(shown - 1))) {
      shown--; // do not cut a surrogate pair in half
    }
    StringBuilder sb = new StringBuilder(shown + 16).append('\'');
    for (int i = 0; i < shown; i++) {
      char c = input.charAt(i);
      boolean pairedHigh =
          Character.isHighSurrogate(c) && i + 1 < shown && Character.isLowSurrogate(input.charAt(i + 1));
      boolean pairedLow =
          Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(input.charAt(i - 1));
      if (c < 0x20 || c == 0x7F || (Character.isSurrogate(c) && !pairedHigh && !pairedLow)) {
        sb.append(String.format("\\u%04X", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('\'');
    if (shown < input.length()) {
      sb.append("... (").append(input.length()).append(" chars)");
    }
    return sb.toString();
  }
}
