package io.des.retriever;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.format.ReaderLimits;
import io.des.pack.PackListener;
import io.des.pack.PackOptions;
import io.des.pack.Packer;
import io.des.pack.SourceFile;
import io.des.routing.CreatedAt;
import io.des.storage.BlobStore;
import io.des.storage.S3BlobStore;
import io.des.storage.S3TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The retriever on an S3 prefix of a real S3-compatible server (S3Proxy). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RetrieverS3Test {
  private static final S3TestServer SERVER = new S3TestServer();
  private static final String BUCKET;

  static {
    try {
      SERVER.start();
      System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
      System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
      BUCKET = SERVER.newBucket();
      Path src = Files.createTempDirectory("des-s3-src");
      Path a = Files.writeString(src.resolve("a"), "alpha on s3");
      CreatedAt day = CreatedAt.parse("2024-01-01");
      try (BlobStore store = S3BlobStore.open(SERVER.config(BUCKET, "archive"));
          Packer packer = new Packer(Archive.create(store, 8, ReaderLimits.DEFAULTS), PackOptions.defaults(8), PackListener.NONE)) {
        packer.pack(List.of(new SourceFile("12345", day, -1, a, "a")));
      }
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  @DynamicPropertySource
  static void store(DynamicPropertyRegistry registry) {
    registry.add("des.retriever.store", () -> "s3://" + BUCKET + "/archive");
    registry.add("des.retriever.s3-endpoint", () -> SERVER.endpoint().toString());
  }

  @LocalServerPort int port;

  @Test
  void servesFromS3() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/files/12345?created_at=2024-01-01")).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("alpha on s3");
    String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("des_retrievals_total{backend=\"s3\",status=\"ok\"}");
  }
}
