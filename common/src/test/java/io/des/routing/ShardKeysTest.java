package io.des.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** {@link ShardKeys} routes exactly as {@link Router} does, building each key once. */
class ShardKeysTest {
  @Test
  void routesAsTheRouterAndReusesEachKey() {
    for (int nBits : new int[] {Router.MIN_N_BITS, 8, Router.MAX_N_BITS}) {
      Router router = new Router(nBits);
      ShardKeys keys = new ShardKeys(router);
      for (int day = 1; day <= 3; day++) {
        LocalDate date = LocalDate.of(2024, 2, 27 + day % 3); // 02-28, 02-29, 02-27
        for (String uid : new String[] {"doc-1", "doc-2", "12345678901234567890", "٣٤", "häßlich", "x"}) {
          ShardKey key = keys.route(uid, date);
          assertThat(key).isEqualTo(router.route(uid, date));
          assertThat(keys.route(uid, date)).as("built once").isSameAs(key);
        }
      }
      CreatedAt t = CreatedAt.parse("2024-05-17T23:30:00-02:00");
      assertThat(keys.route("doc-1", t)).isEqualTo(router.route("doc-1", t));
    }
  }
}
