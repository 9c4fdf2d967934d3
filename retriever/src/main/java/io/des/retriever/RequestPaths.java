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

  private static final List<String> FORBIDDEN_RAW = List.of(";", "%3b", "%2f", "%5c", "%2e", "\\", "%00", "%0a", "%0d");

  static Parsed parse(String uri) throws RejectedException {
    int q = uri.indexOf('?');
    String rawPath = q < 0 ? uri : uri.substring(0, q);
    String lower = rawPath.toLowerCase(Locale.ROOT);
    for (String s : FORBIDDEN_RAW) {
      if (lower.contains(s)) {
        throw new RejectedException("the URL contained a potentially malicious String \"" + s + "\"");
      }
    }
    QueryStringDecoder decoder;
    String path;
    try {
      decoder = new QueryStringDecoder(uri, StandardCharsets.UTF_8, true, 64);
      path = decoder.path();
    } catch (IllegalArgumentException e) {
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
