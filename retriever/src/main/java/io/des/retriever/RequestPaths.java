package io.des.retriever;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request target split into its decoded path and query, refused where Spring Security's {@code
 * StrictHttpFirewall} (as the retriever configures it: an encoded {@code %} passes, since a uid may
 * contain one) refuses it: a semicolon, an encoded slash, backslash or period, a backslash, a double
 * slash, a {@code .} or {@code ..} segment, a control character or a line separator. The API
 * behind the front server gets the same rules from Spring Security itself.
 */
final class RequestPaths {
  private RequestPaths() {}

  /** A target that must not be served. */
  static final class RejectedException extends Exception {
    RejectedException(String reason) {
      super("The request was rejected because " + reason, null, false, false);
    }
  }

  /** The decoded path (slashes kept, {@code +} kept) and query parameters ({@code +} is a space). */
  record Parsed(String path, Map<String, List<String>> query) {}

  static Parsed parse(String uri) throws RejectedException {
    int q = uri.indexOf('?');
    int end = q < 0 ? uri.length() : q;
    // Raw: ';' and '\\', and the encodings of ';', '/', '\\', '.', NUL, LF and CR.
    for (int i = 0; i < end; i++) {
      char c = uri.charAt(i);
      if (c == ';' || c == '\\') {
        throw new RejectedException("the URL contained a potentially malicious String \"" + c + "\"");
      }
      if (c == '%') {
        int code = hex(uri, i + 1, end);
        if (code == 0x3b || code == 0x2f || code == 0x5c || code == 0x2e || code == 0x00 || code == 0x0a || code == 0x0d) {
          throw new RejectedException("the URL contained a potentially malicious String \"" + uri.substring(i, i + 3).toLowerCase(Locale.ROOT) + "\"");
        }
      }
    }
    QueryStringDecoder decoder;
    String path;
    try {
      decoder = new QueryStringDecoder(uri, StandardCharsets.UTF_8, true, 64, true); // only & separates, as in the servlet API
      path = decoder.path();
    } catch (IllegalArgumentException e) {
      throw new RejectedException("the URL was not validly encoded");
    }
    if (path.indexOf('\uFFFD') >= 0 && !validUtf8(uri.substring(0, end))) {
      // The decoder put a replacement character for bytes that are not UTF-8; a uid is never that.
      throw new RejectedException("the URL was not validly encoded");
    }
    if (!normalized(path)) {
      throw new RejectedException("the URL was not normalized");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        throw new RejectedException("the URL contained a disallowed character");
      }
    }
    Map<String, List<String>> query;
    try {
      query = decoder.parameters();
    } catch (IllegalArgumentException e) {
      throw new RejectedException("the query was not validly encoded");
    }
    return new Parsed(path, query);
  }

  /** Whether the percent-decoded bytes of a raw path are well-formed UTF-8. */
  private static boolean validUtf8(String rawPath) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(rawPath.length());
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c == '%') {
        bytes.write(hex(rawPath, i + 1, rawPath.length()));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  /** The byte that two hex digits at {@code at} encode, or -1. */
  private static int hex(String s, int at, int end) {
    if (at + 1 >= end) {
      return -1;
    }
    int hi = Character.digit(s.charAt(at), 16);
    int lo = Character.digit(s.charAt(at + 1), 16);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
  }

  /** No empty, {@code .} or {@code ..} segment: what the servlet container would have to resolve. */
  private static boolean normalized(String path) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return false;
    }
    if (path.contains("//")) {
      return false;
    }
    for (String segment : path.substring(1).split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
