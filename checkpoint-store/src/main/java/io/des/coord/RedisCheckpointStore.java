package io.des.coord;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.redisson.api.RScript;
import org.redisson.api.RScript.Mode;
import org.redisson.api.RScript.ReturnType;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * {@link CheckpointStore} on Redis. A job's checkpoint is the hash {@code <prefix>checkpoint:<job>}
 * with the fields {@code fence}, {@code state} (raw bytes) and {@code savedAt} (Redis server time,
 * epoch milliseconds). Saves and deletes are Lua scripts, so the fence check and the write are one
 * atomic step. A delete leaves a tombstone (the fence and {@code deleted}) that expires after the
 * tombstone retention.
 */
public final class RedisCheckpointStore implements CheckpointStore {
  // Fences compare as decimal strings (by length, then by digits): exact for every long, where Lua's
  // doubles are exact only up to 2^53.
  private static final String FENCE_CHECK = """
      local function newer(a, b)
        if #a ~= #b then return #a > #b end
        return a > b
      end
      local t = redis.call('TIME')
      local now = string.format('%.0f', t[1] * 1000 + math.floor(t[2] / 1000))
      local stored = redis.call('HGET', KEYS[1], 'fence')
      if stored and newer(stored, ARGV[1]) then return stored end
      redis.call('DEL', KEYS[1])
      """;
  private static final String SAVE = FENCE_CHECK + """
      redis.call('HSET', KEYS[1], 'fence', ARGV[1], 'state', ARGV[2], 'savedAt', now)
      return false
      """;
  private static final String DELETE = FENCE_CHECK + """
      redis.call('HSET', KEYS[1], 'fence', ARGV[1], 'savedAt', now, 'deleted', '1')
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return false
      """;
  private static final String LOAD = """
      return redis.call('HMGET', KEYS[1], 'fence', 'state', 'savedAt', 'deleted')
      """;

  private final RScript script;
  private final RedisKeyPrefix prefix;
  private final int maxStateBytes;
  private final Duration tombstoneRetention;

  /** A store with the default state limit and tombstone retention. */
  public RedisCheckpointStore(RedissonClient client, String keyPrefix) {
    this(client, keyPrefix, DEFAULT_MAX_STATE_BYTES, DEFAULT_TOMBSTONE_RETENTION);
  }

  public RedisCheckpointStore(RedissonClient client, String keyPrefix, int maxStateBytes, Duration tombstoneRetention) {
    CheckpointRules.checkSettings(maxStateBytes, tombstoneRetention);
    this.script = client.getScript(ByteArrayCodec.INSTANCE);
    this.prefix = new RedisKeyPrefix(keyPrefix);
    this.maxStateBytes = maxStateBytes;
    this.tombstoneRetention = tombstoneRetention;
  }

  @Override
  public Optional<Checkpoint> load(String jobId) {
    CheckpointRules.checkJobId(jobId);
    List<Object> fields = run("load the checkpoint of", jobId, Mode.READ_ONLY, LOAD, ReturnType.LIST);
    if (fields.get(0) == null || fields.get(3) != null) {
      return Optional.empty();
    }
    try {
      long fence = Long.parseLong(text(fields.get(0)));
      Instant savedAt = Instant.ofEpochMilli(Long.parseLong(text(fields.get(2))));
      byte[] state = fields.get(1) == null ? new byte[0] : (byte[]) fields.get(1);
      return Optional.of(new Checkpoint(jobId, fence, state, savedAt));
    } catch (NumberFormatException e) {
      throw new CorruptCheckpointException(jobId, "Redis key " + key(jobId), "fence or savedAt is not a number: " + e.getMessage());
    }
  }

  @Override
  public void save(String jobId, long fence, byte[] state) {
    CheckpointRules.checkSave(jobId, fence, state, maxStateBytes);
    refuseIfNewer("Save of job " + jobId + "'s checkpoint", fence,
        run("save the checkpoint of", jobId, Mode.READ_WRITE, SAVE, ReturnType.VALUE, ascii(fence), state));
  }

  @Override
  public void delete(String jobId, long fence) {
    CheckpointRules.checkDelete(jobId, fence);
    refuseIfNewer("Delete of job " + jobId + "'s checkpoint", fence,
        run("delete the checkpoint of", jobId, Mode.READ_WRITE, DELETE, ReturnType.VALUE, ascii(fence),
            ascii(tombstoneRetention.toMillis())));
  }

  @Override
  public int maxStateBytes() {
    return maxStateBytes;
  }

  private static void refuseIfNewer(String what, long fence, Object storedFence) {
    if (storedFence != null) {
      throw new FencedOutException(what, fence, Long.parseLong(text(storedFence)));
    }
  }

  private <R> R run(String what, String jobId, Mode mode, String lua, ReturnType type, Object... args) {
    String key = key(jobId);
    try {
      return script.eval(key, mode, lua, type, List.of(key), args);
    } catch (RuntimeException e) {
      throw new CoordinationException("Could not " + what + " job " + jobId + " on Redis", e);
    }
  }

  private String key(String jobId) {
    return prefix.key("checkpoint:" + jobId);
  }

  private static byte[] ascii(long value) {
    return Long.toString(value).getBytes(US_ASCII);
  }

  private static String text(Object bytes) {
    return new String((byte[]) bytes, US_ASCII);
  }
}
