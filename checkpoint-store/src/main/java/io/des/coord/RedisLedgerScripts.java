package io.des.coord;

/**
 * The Lua scripts of {@link RedisJobLedger}. Each gets ARGV[1] the key base ({@code
 * <prefix>{jobs}:}), ARGV[2] the retention in milliseconds, then its own arguments from ARGV[3].
 * Numbers go back to Redis through {@code %.0f}: Lua's default conversion writes large numbers,
 * such as times in microseconds, with an exponent.
 */
final class RedisLedgerScripts {
  /** The fields of a job hash as GET and LIST return them. */
  static final int FIELDS = 7;

  private static final String COMMON = """
      local base, retention = ARGV[1], tonumber(ARGV[2]) * 1000
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
      local counts = base .. 'counts'
      local function n(x) return string.format('%.0f', x) end
      local function job(id) return base .. 'job:' .. id end
      local function members(state) return base .. 'state:' .. state end
      local function negative(x) if x == '0' then return x end return '-' .. x end
      local function leave(id)
        local r = redis.call('HMGET', job(id), 'state', 'files', 'bytes')
        redis.call('ZREM', members(r[1]), id)
        redis.call('HINCRBY', counts, r[1] .. ':jobs', -1)
        redis.call('HINCRBY', counts, r[1] .. ':files', negative(r[2]))
        redis.call('HINCRBY', counts, r[1] .. ':bytes', negative(r[3]))
        redis.call('DEL', job(id))
      end
      local function enter(id, state, shardKey, files, bytes, worker, detail)
        redis.call('HSET', job(id), 'shardKey', shardKey, 'state', state, 'files', files, 'bytes', bytes,
          'worker', worker, 'detail', detail, 'since', n(now))
        redis.call('ZADD', members(state), n(now), id)
        redis.call('HINCRBY', counts, state .. ':jobs', 1)
        redis.call('HINCRBY', counts, state .. ':files', files)
        redis.call('HINCRBY', counts, state .. ':bytes', bytes)
      end
      local function settled(state) return state == 'DONE' or state == 'FAILED' end
      for _, state in ipairs({'DONE', 'FAILED'}) do
        local old = redis.call('ZRANGEBYSCORE', members(state), '-inf', '(' .. n(now - retention), 'LIMIT', 0, 100)
        for _, id in ipairs(old) do leave(id) end
      end
      -- The job's state, shard key, files, bytes and worker; all false if unknown or forgotten now.
      local function current(id)
        local r = redis.call('HMGET', job(id), 'state', 'shardKey', 'files', 'bytes', 'worker', 'since')
        if r[1] and settled(r[1]) and tonumber(r[6]) < now - retention then
          leave(id)
          return {false, false, false, false, false}
        end
        return r
      end
      """;

  /**
   * ARGV[3..] id, shard key, files, bytes of each job in turn; returns for each 1 if recorded
   * (unknown or DONE before), else 0. Single offers use it too, with one job.
   */
  static final String OFFER_ALL = COMMON + """
      local offered = {}
      for i = 3, #ARGV, 4 do
        local state = current(ARGV[i])[1]
        if state and state ~= 'DONE' then
          offered[#offered + 1] = 0
        else
          if state then leave(ARGV[i]) end
          enter(ARGV[i], 'PENDING', ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], '', '')
          offered[#offered + 1] = 1
        end
      end
      return offered
      """;

  /** ARGV[3] id, ARGV[4] the only state it may be in; returns 1 if forgotten. */
  static final String FORGET_IN_STATE = COMMON + """
      if current(ARGV[3])[1] ~= ARGV[4] then return 0 end
      leave(ARGV[3])
      return 1
      """;

  /** ARGV[3..7] id, shard key, files, bytes, worker; returns the state before, '' if unknown. */
  static final String RUNNING = COMMON + """
      local r = current(ARGV[3])
      if r[1] == 'DONE' then return 'DONE' end
      if r[1] then leave(ARGV[3]) end
      enter(ARGV[3], 'RUNNING', ARGV[4], ARGV[5], ARGV[6], ARGV[7], '')
      return r[1] or ''
      """;

  /** ARGV[3..5] id, detail, DONE or FAILED; returns 1 if the job moved. */
  static final String SETTLE = COMMON + """
      local r = current(ARGV[3])
      if r[1] == 'DONE' then return 0 end
      if r[1] then leave(ARGV[3]) end
      enter(ARGV[3], ARGV[5], r[2] or '', r[3] or '0', r[4] or '0', r[5] or '', ARGV[4])
      return 1
      """;

  private static final String FIELD_NAMES = "'shardKey', 'state', 'files', 'bytes', 'worker', 'detail', 'since'";

  /** ARGV[3] id; returns the job's fields, all nil if unknown. */
  static final String GET = COMMON + """
      current(ARGV[3])
      return redis.call('HMGET', job(ARGV[3]), %s)
      """.formatted(FIELD_NAMES);

  /** ARGV[3..4] state, limit; returns the id and the fields of each job, oldest first. */
  static final String LIST = COMMON + """
      local rows = {}
      for _, id in ipairs(redis.call('ZRANGE', members(ARGV[3]), 0, tonumber(ARGV[4]) - 1)) do
        table.insert(rows, id)
        for _, value in ipairs(redis.call('HMGET', job(id), %s)) do table.insert(rows, value) end
      end
      return rows
      """.formatted(FIELD_NAMES);

  /** Returns jobs, then files, then bytes, each for PENDING, RUNNING, DONE, FAILED. */
  static final String COUNTS = COMMON + """
      local fields = {}
      for _, measure in ipairs({'jobs', 'files', 'bytes'}) do
        for _, state in ipairs({'PENDING', 'RUNNING', 'DONE', 'FAILED'}) do
          table.insert(fields, state .. ':' .. measure)
        end
      end
      return redis.call('HMGET', counts, unpack(fields))
      """;

  private RedisLedgerScripts() {}
}
