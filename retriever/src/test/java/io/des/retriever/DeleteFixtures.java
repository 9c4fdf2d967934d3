package io.des.retriever;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.des.archive.Archive;
import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.storage.LocalBlobStore;
import io.des.tombstone.TombstoneStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Archives, JWTs and requests for the deletion tests. */
final class DeleteFixtures {
  static final CreatedAt DAY = CreatedAt.parse("2024-03-05T10:00:00Z");
  static final String KEY = "secret";

  private DeleteFixtures() {}

  /** Packs one file per uid (content {@code "content of <uid>"}) into a new local archive. */
  static Path pack(Path store, int nBits, List<String> uids) throws Exception {
    Path src = Files.createDirectories(store.resolveSibling(store.getFileName() + "-src"));
    List<SourceFile> files = new ArrayList<>();
    for (int i = 0; i < uids.size(); i++) {
      Path p = Files.writeString(src.resolve("f" + i), content(uids.get(i)));
      files.add(new SourceFile(uids.get(i), DAY, -1, p, uids.get(i)));
    }
    try (Packer packer = new Packer(Archive.create(new LocalBlobStore(store), nBits, ReaderLimits.DEFAULTS), PackOptions.defaults(nBits),
        PackListener.NONE)) {
      packer.pack(files);
    }
    return store;
  }

  static String content(String uid) {
    return "content of " + uid;
  }

  /** Whether a tombstone blob for {@code uid} exists in a local store (read from disk, no cache). */
  static boolean tombstoned(Path store, int nBits, String uid) {
    return Files.exists(store.resolve(TombstoneStore.tombstonePath(new Router(nBits).route(uid, DAY), uid).key()));
  }

  /** How many tombstone blobs a local store holds. */
  static long tombstones(Path store) throws IOException {
    Path root = store.resolve(TombstoneStore.TOMBSTONES);
    if (!Files.exists(root)) {
      return 0;
    }
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> p.toString().endsWith(".json")).count();
    }
  }

  /** {@code uids} of the form {@code prefix-N} whose shard index lies in {@code [from, to]}. */
  static List<String> uidsInRange(String prefix, int nBits, int from, int to, int count) {
    Router router = new Router(nBits);
    List<String> found = new ArrayList<>();
    for (int i = 0; found.size() < count; i++) {
      int index = router.shardIndex(prefix + "-" + i);
      if (index >= from && index <= to) {
        found.add(prefix + "-" + i);
      }
    }
    return found;
  }

  /** An RSA key pair whose public half is written as PEM to {@code pem}, for public-key-location. */
  static KeyPair rsaKeyPair(Path pem) throws IOException {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
      return pair;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An RS256 JWT for {@code subject} with the given scope (null for none), expiring after {@code life}. */
  static String jwt(KeyPair keys, String subject, String scope, Duration life) {
    Instant now = Instant.now();
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject).issueTime(Date.from(now.minusSeconds(600)))
        .expirationTime(Date.from(now.plus(life)));
    if (scope != null) {
      claims.claim("scope", scope);
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims.build());
    try {
      jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** A small HTTP client for one retriever. */
  record Client(HttpClient http, int port) {
    Client(int port) {
      this(HttpClient.newHttpClient(), port);
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
      return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> head(String pathAndQuery) throws IOException, InterruptedException {
      return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> batch(String json) throws IOException, InterruptedException {
      return http.send(HttpRequest.newBuilder(uri("/files/batch")).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** DELETE with headers given as name, value pairs. */
    HttpResponse<String> delete(String pathAndQuery, String... headers) throws IOException, InterruptedException {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).DELETE();
      if (headers.length > 0) {
        request.headers(headers);
      }
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** DELETE of {@code uid} on {@link #DAY} for GDPR by admin, with the API key. */
    HttpResponse<String> deleteWithKey(String uid) throws IOException, InterruptedException {
      return delete("/files/" + uid + "?created_at=2024-03-05T10:00:00Z&deleted_by=admin&reason=GDPR&ticket_id=T-1", "X-API-Key", KEY);
    }

    private URI uri(String pathAndQuery) {
      return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }
  }

  /** Spring properties of a retriever on a random port over {@code store}, with {@link #KEY}. */
  static Map<String, Object> retrieverProperties(Path store) {
    return Map.of("server.port", "0", "des.retriever.store", store.toString(), "des.retriever.delete.api-keys", KEY,
        "spring.main.banner-mode", "off");
  }
}
