package io.des.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.des.archive.Archive;
import io.des.catalog.CatalogState;
import io.des.catalog.LiveShard;
import io.des.format.IndexEntry;
import io.des.format.ReaderLimits;
import io.des.routing.CreatedAt;
import io.des.routing.Router;
import io.des.routing.ShardKey;
import io.des.storage.BlobStores;
import io.des.storage.S3TestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * Checks that the sample files {@code 0..count-1} of {@link FleetEndToEndTest} ({@code uid(i)},
 * {@code content(i)}) came out of the fleet right, whatever their source: each reads back through
 * the retriever with its bytes, and each uid is in exactly one live shard.
 */
final class ReadBack {
  private ReadBack() {}

  static void throughTheRetriever(AppProcess retriever, int count, IntFunction<CreatedAt> createdAt) throws Exception {
    throughTheRetriever(retriever, count, createdAt, i -> false);
  }

  /** As above, except that the files {@code deleted} picks must answer 410 Gone. */
  static void throughTheRetriever(AppProcess retriever, int count, IntFunction<CreatedAt> createdAt, IntPredicate deleted)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Semaphore inFlight = new Semaphore(16);
    List<CompletableFuture<String>> checks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i;
      String uid = FleetEndToEndTest.uid(n);
      URI uri = retriever.uri("/files/" + uid + "?created_at=" + URLEncoder.encode(createdAt.apply(n).toIso(), StandardCharsets.UTF_8));
      inFlight.acquire();
      checks.add(http.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray())
          .handle((r, e) -> {
            inFlight.release();
            if (e != null) {
              return uid + ": " + e;
            }
            if (deleted.test(n)) {
              return r.statusCode() == 410 ? null : uid + ": deleted, but HTTP " + r.statusCode();
            }
            if (r.statusCode() != 200) {
              return uid + ": HTTP " + r.statusCode();
            }
            return Arrays.equals(r.body(), FleetEndToEndTest.content(n)) ? null : uid + ": wrong bytes";
          }));
    }
    List<String> failures = checks.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList();
    assertThat(failures).as("reads through the retriever").isEmpty();
  }

  static void eachInExactlyOneLiveShard(Fleet fleet, int count, IntFunction<CreatedAt> createdAt) throws Exception {
    Archive archive = Archive.open(BlobStores.open(fleet.store(), b -> b.endpoint(fleet.s3.endpoint())
        .credentials(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)), null, ReaderLimits.DEFAULTS);
    Router router = archive.router();
    Set<ShardKey> keys = new TreeSet<>(Comparator.comparing(ShardKey::toString));
    for (int i = 0; i < count; i++) {
      keys.add(router.route(FleetEndToEndTest.uid(i), createdAt.apply(i)));
    }
    Map<String, Integer> copies = new HashMap<>();
    for (ShardKey key : keys) {
      CatalogState state = archive.catalog().load(key);
      for (LiveShard shard : state.shards()) {
        for (IndexEntry entry : archive.shard(shard.name()).index().entries()) {
          copies.merge(entry.uid(), 1, Integer::sum);
        }
      }
    }
    assertThat(copies).hasSize(count);
    assertThat(copies.values()).allMatch(c -> c == 1);
  }
}
