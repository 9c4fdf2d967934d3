package io.des.retriever;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The API keys that may DELETE. A presented key is compared with every configured one, each by the
 * SHA-256 of both sides with {@link MessageDigest#isEqual} (constant time, equal lengths), so the
 * time taken says nothing about how much of a key matched or which key it was (upstream compared
 * plain strings).
 */
final class ApiKeys {
  private final List<byte[]> digests;

  ApiKeys(List<String> keys) {
    this.digests = keys.stream().map(ApiKeys::sha256).toList();
  }

  boolean any() {
    return !digests.isEmpty();
  }

  boolean accepts(String presented) {
    if (presented == null) {
      return false;
    }
    byte[] digest = sha256(presented);
    boolean match = false;
    for (byte[] known : digests) {
      match |= MessageDigest.isEqual(known, digest); // no early exit
    }
    return match;
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
