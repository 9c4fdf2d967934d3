package io.des.retriever;

import static io.des.retriever.DeleteFixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Upstream's deletion cases (test_deletion_api.py, test_e2e_tombstone.py) and DES's additions (410
 * for every time of the day, JWT scopes, nothing written by a refused DELETE) over real HTTP and a
 * real packed archive. Each test deletes its own uid.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DeleteApiTest {
  private static final int BITS = 8;
  private static final Path STORE;
  private static final Path PEM;
  private static final KeyPair JWT_KEYS;
  private static final String Q = "?created_at=2024-03-05T10:00:00Z&deleted_by=admin&reason=GDPR";

  static {
    try {
      Path dir = Files.createTempDirectory("des-delete-test");
      STORE = DeleteFixtures.pack(dir.resolve("store"), BITS, List.of("twice", "then-get", "batch-me", "by-jwt", "jwt-subject",
          "no-scope", "bad-jwt", "refused", "bad-input", "with%percent", "docs/nested.txt", "metered", "keep"));
      PEM = dir.resolve("jwt.pem");
      JWT_KEYS = DeleteFixtures.rsaKeyPair(PEM);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("des.retriever.store", STORE::toString);
    registry.add("des.retriever.delete.api-keys", () -> KEY + ",second-key");
    registry.add("des.retriever.erasure-window", () -> "72h");
    registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", () -> PEM.toUri().toString());
  }

  @LocalServerPort int port;
  @Autowired ApplicationContext context;
  private DeleteFixtures.Client client;

  @BeforeEach
  void client() {
    client = new DeleteFixtures.Client(port);
  }

  private boolean tombstoned(String uid) {
    return DeleteFixtures.tombstoned(STORE, BITS, uid);
  }

  /** A DELETE with a valid token, signed by the configured key, for {@code subject} with {@code scope}. */
  private HttpResponse<String> deleteWithJwt(String pathAndQuery, String subject, String scope) throws Exception {
    return client.delete(pathAndQuery, "Authorization", "Bearer " + DeleteFixtures.jwt(JWT_KEYS, subject, scope, Duration.ofMinutes(5)));
  }

  private static void assertUnauthorized(HttpResponse<String> r, String wwwAuthenticate) {
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).isEqualTo("{\"detail\":\"Unauthorized\"}");
    assertThat(r.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).contains(wwwAuthenticate));
  }

  /** A refused DELETE wrote no tombstone and the file is still served. */
  private void assertUntouched(String uid) throws Exception {
    assertThat(tombstoned(uid)).isFalse();
    assertThat(client.get("/files/" + uid + "?created_at=2024-03-05").statusCode()).isEqualTo(200);
  }

  @Test
  void deleteGives200ThenASecondDeleteGives410() throws Exception {
    Instant before = Instant.now();
    HttpResponse<String> first = client.deleteWithKey("twice");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).startsWith("{\"status\":\"tombstoned\",\"uid\":\"twice\",\"created_at\":\"2024-03-05T10:00:00Z\",")
        .contains("\"deleted_by\":\"admin\"", "\"reason\":\"GDPR\"", "\"ticket_id\":\"T-1\"", "\"erase_by\":\"");
    String eraseBy = first.body().replaceAll(".*\"erase_by\":\"([^\"]+)\".*", "$1");
    assertThat(Duration.between(before, Instant.parse(eraseBy))).isBetween(Duration.ofHours(72), Duration.ofHours(72).plusMinutes(1));
    assertThat(tombstoned("twice")).isTrue();

    HttpResponse<String> second = client.deleteWithKey("twice");
    assertThat(second.statusCode()).isEqualTo(410);
    assertThat(second.body()).isEqualTo("{\"detail\":\"File already deleted\"}");
  }

  @Test
  void aDeletedFileIs410ForGetAndHeadAtAnyTimeOfItsDay() throws Exception {
    assertThat(client.get("/files/then-get?created_at=2024-03-05").body()).isEqualTo(DeleteFixtures.content("then-get"));
    assertThat(client.deleteWithKey("then-get").statusCode()).isEqualTo(200);
    for (String when : List.of("2024-03-05T10:00:00Z", "2024-03-05T23:59:59Z", "2024-03-05", "2024-03-05T00:00:01%2B00:00")) {
      HttpResponse<String> r = client.get("/files/then-get?created_at=" + when);
      assertThat(r.statusCode()).as(when).isEqualTo(410);
      assertThat(r.body()).isEqualTo("{\"detail\":\"File deleted\"}");
    }
    assertThat(client.head("/files/then-get?created_at=2024-03-05T05:00:00Z").statusCode()).isEqualTo(410);
    assertThat(client.get("/files/then-get?created_at=2024-03-06").statusCode()).as("another day, another file").isEqualTo(404);
    assertThat(client.get("/files/keep?created_at=2024-03-05").statusCode()).isEqualTo(200);
  }

  @Test
  void aBatchGivesADeletedItemA410Line() throws Exception {
    assertThat(client.deleteWithKey("batch-me").statusCode()).isEqualTo(200);
    HttpResponse<String> r = client.batch("{\"items\":[{\"uid\":\"batch-me\",\"created_at\":\"2024-03-05T18:00:00Z\"},"
        + "{\"uid\":\"keep\",\"created_at\":\"2024-03-05\"}]}");
    List<String> lines = r.body().lines().toList();
    assertThat(lines.get(0)).contains("\"uid\":\"batch-me\"", "\"status\":410", "\"detail\":\"File deleted\"").doesNotContain("content_base64");
    assertThat(lines.get(1)).contains("\"uid\":\"keep\"", "\"status\":200");
  }

  @Test
  void unknownUidOrWrongDayIs404() throws Exception {
    HttpResponse<String> unknown = client.deleteWithKey("nobody");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).isEqualTo("{\"detail\":\"File not found\"}");
    HttpResponse<String> otherDay = client.delete("/files/keep?created_at=2024-03-04&deleted_by=admin&reason=GDPR", "X-API-Key", KEY);
    assertThat(otherDay.statusCode()).isEqualTo(404);
    assertThat(tombstoned("nobody")).isFalse();
  }

  @Test
  void noKeyOrAWrongKeyIs401AndWritesNothing() throws Exception {
    for (HttpResponse<String> r : List.of(client.delete("/files/refused" + Q), client.delete("/files/refused" + Q, "X-API-Key", "wrong"),
        client.delete("/files/refused" + Q, "X-API-Key", ""), client.delete("/files/refused" + Q, "X-API-Key", KEY + "x"))) {
      assertUnauthorized(r, "Bearer");
    }
    assertUntouched("refused");
  }

  @Test
  void everyConfiguredKeyIsAccepted() throws Exception {
    HttpResponse<String> r = client.delete("/files/with%25percent" + Q, "X-API-Key", "second-key");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"uid\":\"with%percent\"");
    assertThat(client.get("/files/with%25percent?created_at=2024-03-05").statusCode()).isEqualTo(410);
  }

  @Test
  void aUidWithSlashesIsDeleted() throws Exception {
    assertThat(client.delete("/files/docs/nested.txt" + Q, "X-API-Key", KEY).statusCode()).isEqualTo(200);
    assertThat(client.get("/files/docs/nested.txt?created_at=2024-03-05").statusCode()).isEqualTo(410);
  }

  @Test
  void badParametersAreRefusedInUpstreamsOrderAndWriteNothing() throws Exception {
    HttpResponse<String> blank = client.delete("/files/bad-input?created_at=2024-03-05&deleted_by=&reason=GDPR", "X-API-Key", KEY);
    assertThat(blank.statusCode()).isEqualTo(400);
    assertThat(blank.body()).isEqualTo("{\"detail\":\"deleted_by is required\"}");
    HttpResponse<String> blankAndBadDate = client.delete("/files/bad-input?created_at=nope&deleted_by=%20&reason=nope", "X-API-Key", KEY);
    assertThat(blankAndBadDate.body()).isEqualTo("{\"detail\":\"deleted_by is required\"}");
    HttpResponse<String> date = client.delete("/files/bad-input?created_at=not-a-date&deleted_by=admin&reason=GDPR", "X-API-Key", KEY);
    assertThat(date.statusCode()).isEqualTo(400);
    assertThat(date.body()).isEqualTo("{\"detail\":\"Invalid created_at format\"}");
    HttpResponse<String> reason = client.delete("/files/bad-input?created_at=2024-03-05&deleted_by=admin&reason=gdpr", "X-API-Key", KEY);
    assertThat(reason.statusCode()).isEqualTo(422);
    assertThat(reason.body()).isEqualTo("{\"detail\":\"reason must be one of GDPR, retention_expired, user_request, got 'gdpr'\"}");
    HttpResponse<String> noReason = client.delete("/files/bad-input?created_at=2024-03-05&deleted_by=admin", "X-API-Key", KEY);
    assertThat(noReason.statusCode()).isEqualTo(422);
    assertThat(noReason.body()).isEqualTo("{\"detail\":\"reason is required\"}");
    HttpResponse<String> noDeleter = client.delete("/files/bad-input?created_at=2024-03-05&reason=GDPR", "X-API-Key", KEY);
    assertThat(noDeleter.statusCode()).as("an API key names nobody").isEqualTo(422);
    assertThat(noDeleter.body()).isEqualTo("{\"detail\":\"deleted_by is required\"}");
    HttpResponse<String> noDate = client.delete("/files/bad-input?deleted_by=admin&reason=GDPR", "X-API-Key", KEY);
    assertThat(noDate.statusCode()).isEqualTo(422);
    assertThat(noDate.body()).isEqualTo("{\"detail\":\"created_at is required\"}");
    HttpResponse<String> unauthenticatedAndBad = client.delete("/files/bad-input?created_at=nope&deleted_by=&reason=x");
    assertThat(unauthenticatedAndBad.statusCode()).as("authentication first").isEqualTo(401);
    assertThat(tombstoned("bad-input")).isFalse();
  }

  @Test
  void aJwtWithTheDeleteScopeMayDelete() throws Exception {
    HttpResponse<String> r = deleteWithJwt("/files/by-jwt" + Q, "alice", "des:read des:delete");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"deleted_by\":\"admin\"");
    assertThat(client.get("/files/by-jwt?created_at=2024-03-05").statusCode()).isEqualTo(410);
  }

  @Test
  void deletedByDefaultsToTheJwtSubject() throws Exception {
    HttpResponse<String> r = deleteWithJwt("/files/jwt-subject?created_at=2024-03-05&reason=user_request", "alice@example.org", "des:delete");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"deleted_by\":\"alice@example.org\"", "\"reason\":\"user_request\"", "\"ticket_id\":null");
  }

  @Test
  void aJwtWithoutTheScopeIs403AndWritesNothing() throws Exception {
    HttpResponse<String> r = deleteWithJwt("/files/no-scope" + Q, "bob", "des:read");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).isEqualTo("{\"detail\":\"Forbidden: scope des:delete is required\"}");
    assertThat(r.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).contains("insufficient_scope"));
    assertThat(deleteWithJwt("/files/no-scope" + Q, "bob", null).statusCode()).isEqualTo(403);
    assertUntouched("no-scope");
  }

  @Test
  void anExpiredOrForeignJwtIs401AndWritesNothing() throws Exception {
    String expired = DeleteFixtures.jwt(JWT_KEYS, "alice", "des:delete", Duration.ofMinutes(-10));
    KeyPair other = DeleteFixtures.rsaKeyPair(Files.createTempFile("other", ".pem"));
    String foreign = DeleteFixtures.jwt(other, "mallory", "des:delete", Duration.ofMinutes(5));
    for (String token : List.of(expired, foreign, "not.a.jwt")) {
      HttpResponse<String> r = client.delete("/files/bad-jwt" + Q, "Authorization", "Bearer " + token);
      assertUnauthorized(r, "invalid_token");
    }
    assertUntouched("bad-jwt");
  }

  @Test
  void readsNeedNoCredentialsAndIgnoreAWrongKey() throws Exception {
    assertThat(client.get("/files/keep?created_at=2024-03-05").statusCode()).isEqualTo(200);
    assertThat(client.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
        + "/files/keep?created_at=2024-03-05")).header("X-API-Key", "wrong").build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
    assertThat(client.get("/health").statusCode()).isEqualTo(200);
    assertThat(client.get("/metrics").statusCode()).isEqualTo(200);
    assertThat(client.get("/actuator/health").statusCode()).isEqualTo(200);
    assertThat(client.get("/actuator/prometheus").statusCode()).isEqualTo(200);
    HttpResponse<String> r = client.get("/files/keep?created_at=2024-03-05");
    assertThat(r.headers().firstValue("set-cookie")).as("stateless").isEmpty();
    assertThat(r.headers().firstValue("cache-control")).as("files stay cacheable").isEmpty();
    assertThat(context.getBeanNamesForType(UserDetailsService.class)).as("no generated user or password").isEmpty();
  }

  @Test
  void deletionsAreCounted() throws Exception {
    assertThat(client.deleteWithKey("metered").statusCode()).isEqualTo(200);
    client.deleteWithKey("metered");
    client.delete("/files/metered" + Q);
    client.get("/files/metered?created_at=2024-03-05");
    String metrics = client.get("/metrics").body();
    assertThat(metrics).contains("des_tombstones_total{reason=\"GDPR\"}", "des_deletes_total{outcome=\"tombstoned\"}",
        "des_deletes_total{outcome=\"already_deleted\"}", "des_deletes_total{outcome=\"unauthorized\"}",
        "des_retrievals_total{backend=\"local\",status=\"deleted\"}");
  }
}
