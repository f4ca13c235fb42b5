package dev.skillbus.store;

/**
 * The Lua scripts of {@link RedisInbox}. Every script gets the same keys: KEYS[1] the user's inbox
 * (list), KEYS[2] its batch in delivery (list), KEYS[3] that batch's lease (hash: {@code token},
 * {@code ends} in ms on Redis's clock), KEYS[4] the index of inboxes (user ids scored by when their
 * inbox expires). The batch and its lease belong to the inbox: they count in the index and expire
 * with it.
 */
final class InboxScripts {

  /**
   * {@code now} in ms on Redis's own clock (replicated as the commands it leads to, which Redis
   * before 5 needs to be told), the one its expiries use, so that leases end and users leave the
   * index as their inbox expires, whatever the nodes' clocks say.
   */
  private static final String NOW = """
    redis.replicate_commands()
    local time = redis.call('TIME')
    local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
    """;

  /**
   * ARGV[1] the message, ARGV[2] the most kept, ARGV[3] time to live (s), ARGV[4] the user id,
   * ARGV[5] the most inboxes, ARGV[6] the start of every inbox's key (the user id follows), ARGV[7]
   * a rank the node drew at random, ARGV[8] 1 to queue only behind what the inbox holds (queued or in
   * delivery), else 0. Users whose inbox expired are dropped from the index first. When it is full,
   * those of the 32 users from that rank on (going on from the first rank past the last) whose inbox
   * and batch are both gone (Redis evicted them; a take or an ack would have dropped them from the
   * index) are dropped too, so that evicted inboxes do not keep their places until they would have
   * expired, and the rank spreads that look over the whole index, a bounded step however large it
   * is. The index expires with its longest-lived inbox, whatever time to live the node that queues
   * last was given.
   *
   * <p>Answers 1 when queued, or 0, storing nothing, when the user has no inbox and the index holds
   * the most inboxes already. With ARGV[8] 1: 2, storing nothing, when the inbox holds nothing; 3,
   * storing nothing, when it holds ARGV[2] messages already, queued or in its batch out (queuing, or
   * that batch going back, would drop one).
   */
  static final RedisScript PUSH = RedisScript.of(NOW + """
    if ARGV[8] == '1' then
      if redis.call('EXISTS', KEYS[1], KEYS[2]) == 0 then
        return 2
      end
      if redis.call('LLEN', KEYS[1]) + redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[2]) then
        return 3
      end
    end
    redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
    if redis.call('EXISTS', KEYS[1], KEYS[2]) == 0 and not redis.call('ZSCORE', KEYS[4], ARGV[4]) then
      local count = redis.call('ZCARD', KEYS[4])
      if count >= tonumber(ARGV[5]) then
        local from = tonumber(ARGV[7]) % count
        local users = redis.call('ZRANGE', KEYS[4], from, from + 31)
        local wrapped = math.min(from, 32 - #users)
        if wrapped > 0 then
          for _, user in ipairs(redis.call('ZRANGE', KEYS[4], 0, wrapped - 1)) do
            users[#users + 1] = user
          end
        end
        for _, user in ipairs(users) do
          if redis.call('EXISTS', ARGV[6] .. user, ARGV[6] .. user .. ':inflight') == 0 then
            redis.call('ZREM', KEYS[4], user)
            count = count - 1
          end
        end
        if count >= tonumber(ARGV[5]) then
          return 0
        end
      end
    end
    redis.call('RPUSH', KEYS[1], ARGV[1])
    redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
    redis.call('EXPIRE', KEYS[1], ARGV[3])
    if redis.call('EXISTS', KEYS[2]) == 1 then
      redis.call('EXPIRE', KEYS[2], ARGV[3])
      redis.call('EXPIRE', KEYS[3], ARGV[3])
    end
    redis.call('ZADD', KEYS[4], now + tonumber(ARGV[3]) * 1000, ARGV[4])
    local last = redis.call('ZRANGE', KEYS[4], -1, -1, 'WITHSCORES')
    redis.call('PEXPIREAT', KEYS[4], last[2])
    return 1
    """);

  /**
   * ARGV[1] the taker's lease token, ARGV[2] the lease (ms), ARGV[3] the most messages to take: the
   * batch, oldest first, now held under that lease; an empty list when the inbox is empty, or when
   * that lease was acknowledged already (a take of it that ran late: a token is used once). While
   * another lease runs, the ms it still runs (a number, at least 1), and nothing is taken. A batch
   * whose lease ran out, or whose lease is this one (the take sent again), is handed out again as it
   * is; else the oldest messages of the inbox become the batch.
   */
  static final RedisScript TAKE = RedisScript.of(NOW + """
    local lease = redis.call('HMGET', KEYS[3], 'token', 'ends', 'acked')
    if lease[3] == ARGV[1] then
      return {}
    end
    if lease[1] ~= ARGV[1] and lease[2] and tonumber(lease[2]) > now then
      return tonumber(lease[2]) - now
    end
    if redis.call('EXISTS', KEYS[2]) == 0 then
      local batch = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[3]) - 1)
      if #batch == 0 then
        return {}
      end
      local inboxTtl = redis.call('PTTL', KEYS[1])
      redis.call('LTRIM', KEYS[1], #batch, -1)
      redis.call('RPUSH', KEYS[2], unpack(batch))
      if inboxTtl > 0 then
        redis.call('PEXPIRE', KEYS[2], inboxTtl)
      end
    end
    redis.call('HSET', KEYS[3], 'token', ARGV[1], 'ends', now + tonumber(ARGV[2]))
    local batchTtl = redis.call('PTTL', KEYS[2])
    if batchTtl > 0 then
      redis.call('PEXPIRE', KEYS[3], batchTtl)
    end
    return redis.call('LRANGE', KEYS[2], 0, -1)
    """);

  /**
   * ARGV[1] the lease token, ARGV[2] how many of the batch were delivered, ARGV[3] the most kept,
   * ARGV[4] the user id, ARGV[5] how long (ms) the token is remembered as acknowledged, ARGV[6] the
   * taker's next lease token (empty: none), ARGV[7] that lease (ms): 1, the delivered ones gone and
   * the others back at the head of the inbox (the user leaves the index when nothing is left), or 0,
   * changing nothing, when the batch is no longer that lease's. The lease keeps {@code acked}, the
   * token, so that a take of it that runs late takes nothing, and, when messages are left and a next
   * token is given, that token and when its hold ends, with no batch.
   */
  static final RedisScript ACK = RedisScript.of(NOW + """
    if redis.call('HGET', KEYS[3], 'token') ~= ARGV[1] then
      return 0
    end
    local rest = redis.call('LRANGE', KEYS[2], tonumber(ARGV[2]), -1)
    if #rest > 0 then
      local ttl = math.max(redis.call('PTTL', KEYS[1]), redis.call('PTTL', KEYS[2]))
      for i = #rest, 1, -1 do
        redis.call('LPUSH', KEYS[1], rest[i])
      end
      redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
      if ttl > 0 then
        redis.call('PEXPIRE', KEYS[1], ttl)
      end
    end
    redis.call('DEL', KEYS[2], KEYS[3])
    redis.call('HSET', KEYS[3], 'acked', ARGV[1])
    redis.call('PEXPIRE', KEYS[3], ARGV[5])
    if redis.call('EXISTS', KEYS[1]) == 0 then
      redis.call('ZREM', KEYS[4], ARGV[4])
    elseif ARGV[6] ~= '' then
      redis.call('HSET', KEYS[3], 'token', ARGV[6], 'ends', now + tonumber(ARGV[7]))
      redis.call('PEXPIRE', KEYS[3], math.max(tonumber(ARGV[5]), tonumber(ARGV[7])))
    end
    return 1
    """);

  private InboxScripts() {
  }
}
