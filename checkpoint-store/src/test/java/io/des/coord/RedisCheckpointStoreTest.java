package io.des.coord;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.api.RMap;
import org.redisson.client.codec.StringCodec;

class RedisCheckpointStoreTest extends CheckpointStoreContract {
  @RegisterExtension static final RedisFixture redis = new RedisFixture(RedisCheckpointStoreTest.class, Duration.ofSeconds(5), 1);

  @Override
  protected CheckpointStore newStore(int maxStateBytes, Duration tombstoneRetention) {
    return redis.process(0).checkpoints(maxStateBytes, tombstoneRetention);
  }

  @Override
  protected void passTime(Duration time) {}

  @Override
  protected Instant now() {
    return Instant.now();
  }

  @Test
  void checkpointIsAHashUnderThePrefix() {
    store.save(job, 3, bytes("state"));

    RMap<String, String> hash = redis.process(0).client().getMap(redis.prefix() + "checkpoint:" + job, StringCodec.INSTANCE);
    assertThat(hash.readAllMap()).containsEntry("fence", "3").containsEntry("state", "state").containsKey("savedAt");
    assertThat(hash.remainTimeToLive()).as("a live checkpoint does not expire").isEqualTo(-1);
  }

  @Test
  void tombstoneExpiresAfterTheRetention() {
    store.save(job, 3, bytes("state"));
    store.delete(job, 3);

    RMap<String, String> hash = redis.process(0).client().getMap(redis.prefix() + "checkpoint:" + job, StringCodec.INSTANCE);
    assertThat(hash.readAllMap()).containsEntry("fence", "3").containsEntry("deleted", "1").doesNotContainKey("state");
    assertThat(hash.remainTimeToLive()).isBetween(1L, CheckpointStore.DEFAULT_TOMBSTONE_RETENTION.toMillis());
  }

  @Test
  void defaultStoreHasTheDefaultLimit() {
    assertThat(redis.process(0).checkpoints().maxStateBytes()).isEqualTo(CheckpointStore.DEFAULT_MAX_STATE_BYTES);
  }
}
