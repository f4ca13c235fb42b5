package dev.skillbus.store;

/**
 * The Lua scripts of {@link RedisRoomHistory}. KEYS[1] is the room's meta hash, KEYS[2] its event
 * list, KEYS[3] the ids of the events the list holds that were appended with one (presence events,
 * events of the stream: a sorted set, scored by seq). ARGV[1] is now (ms), ARGV[2] a fresh epoch
 * for a room that has none, ARGV[3] the maximum age (ms), ARGV[4] the keys' time to live (s); the
 * scripts' own arguments follow from ARGV[5].
 */
final class RoomScripts {

  /**
   * Creates the meta in a new epoch when it is missing (and drops events and ids left of an older
   * one); trims events older than the maximum age, and the ids of events no longer held.
   */
  private static final String ROOM = """
    local function room()
      local epoch = redis.call('HGET', KEYS[1], 'epoch')
      if not epoch then
        epoch = ARGV[2]
        redis.call('DEL', KEYS[2], KEYS[3])
        redis.call('HSET', KEYS[1], 'epoch', epoch, 'seq', 0, 'used', ARGV[1])
        redis.call('EXPIRE', KEYS[1], ARGV[4])
      end
      return epoch
    end
    local function trim()
      local oldest = tonumber(ARGV[1]) - tonumber(ARGV[3])
      local head = redis.call('LINDEX', KEYS[2], 0)
      while head and tonumber(string.match(head, '^%d+ (%d+) ')) < oldest do
        redis.call('LPOP', KEYS[2])
        head = redis.call('LINDEX', KEYS[2], 0)
      end
      local first = head and string.match(head, '^(%d+) ') or (redis.call('HGET', KEYS[1], 'seq') + 1)
      redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. first)
    end
    """;

  /**
   * The entry as stored of the event that was appended with id ARGV[8], while the list holds it; else
   * false. Seqs in the list are consecutive, so the entry's index is computed from the head's.
   */
  private static final String HELD = """
    local function held()
      local known = redis.call('ZSCORE', KEYS[3], ARGV[8])
      local head = redis.call('LINDEX', KEYS[2], 0)
      if known and head then
        local index = tonumber(known) - tonumber(string.match(head, '^(%d+) '))
        return index >= 0 and redis.call('LINDEX', KEYS[2], index)
      end
      return false
    end
    """;

  /** Appends an event as the room's next seq: ARGV[5] the maximum number of events, ARGV[6] the envelope without seq. */
  private static final String PUSH = """
    local function push()
      local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
      redis.call('HSET', KEYS[1], 'used', ARGV[1])
      redis.call('RPUSH', KEYS[2], seq .. ' ' .. ARGV[1] .. ' ' .. ARGV[6])
      redis.call('LTRIM', KEYS[2], -tonumber(ARGV[5]), -1)
      trim()
      redis.call('EXPIRE', KEYS[1], ARGV[4])
      redis.call('EXPIRE', KEYS[2], ARGV[4])
      redis.call('EXPIRE', KEYS[3], ARGV[4])
      return seq
    end
    """;

  /** ARGV[5] the maximum number of events, ARGV[6] the envelope without seq: returns {seq, epoch}. */
  static final RedisScript APPEND = RedisScript.of(ROOM + PUSH + """
    local epoch = room()
    return {push(), epoch}
    """);

  /**
   * ARGV[5] and ARGV[6] as for {@link #APPEND}, ARGV[7] the presence event's membership version,
   * ARGV[8] its id: returns {seq, epoch}; or {seq, epoch, the version stored, the entry as stored}
   * when the list holds an event of that id; or {0, epoch, the version stored} when the meta's
   * {@code presence} is higher. The version is written as given (Lua's numbers would print it in
   * exponent form); versions below 2^53 compare exactly as Lua numbers.
   */
  static final RedisScript APPEND_PRESENCE = RedisScript.of(ROOM + PUSH + HELD + """
    local epoch = room()
    trim()
    local stored = redis.call('HGET', KEYS[1], 'presence')
    local entry = held()
    if entry then
      return {tonumber(string.match(entry, '^(%d+) ')), epoch, stored, entry}
    end
    if stored and tonumber(ARGV[7]) < tonumber(stored) then
      return {0, epoch, stored}
    end
    redis.call('HSET', KEYS[1], 'presence', ARGV[7])
    local seq = push()
    redis.call('ZADD', KEYS[3], seq, ARGV[8])
    redis.call('EXPIRE', KEYS[3], ARGV[4])
    return {seq, epoch}
    """);

  /**
   * ARGV[5] and ARGV[6] as for {@link #APPEND}, ARGV[7] {@code 1} when the event ends the room's
   * stream, {@code 0} when it is one of it, ARGV[8] the event's id or '' for none: returns {seq,
   * epoch}; or {seq, epoch, the entry as stored} when the list holds an event of that id; or {0,
   * epoch}, storing nothing, when the meta's {@code ended} (the seq of the event that ended the
   * stream) is set.
   */
  static final RedisScript APPEND_TO_STREAM = RedisScript.of(ROOM + PUSH + HELD + """
    local epoch = room()
    if ARGV[8] ~= '' then
      trim()
      local entry = held()
      if entry then
        return {tonumber(string.match(entry, '^(%d+) ')), epoch, entry}
      end
    end
    if redis.call('HEXISTS', KEYS[1], 'ended') == 1 then
      return {0, epoch}
    end
    local seq = push()
    if ARGV[7] == '1' then
      redis.call('HSET', KEYS[1], 'ended', seq)
    end
    if ARGV[8] ~= '' then
      redis.call('ZADD', KEYS[3], seq, ARGV[8])
      redis.call('EXPIRE', KEYS[3], ARGV[4])
    end
    return {seq, epoch}
    """);

  /**
   * Returns {epoch, the entry of the event that ended the stream}; {epoch} when the meta has no
   * {@code ended}, or the list no longer holds that seq. Seqs in the list are consecutive, so the
   * entry's index is computed from the head's.
   */
  static final RedisScript STREAM_END = RedisScript.of(ROOM + """
    local epoch = room()
    trim()
    local ended = redis.call('HGET', KEYS[1], 'ended')
    local head = redis.call('LINDEX', KEYS[2], 0)
    if ended and head then
      local index = tonumber(ended) - tonumber(string.match(head, '^(%d+) '))
      local entry = index >= 0 and redis.call('LINDEX', KEYS[2], index)
      if entry then
        return {epoch, entry}
      end
    end
    return {epoch}
    """);

  /** Returns {seq, epoch, the presence version stored or ''}. */
  static final RedisScript POSITION = RedisScript.of(ROOM + """
    local epoch = room()
    return {tonumber(redis.call('HGET', KEYS[1], 'seq')), epoch, redis.call('HGET', KEYS[1], 'presence') or ''}
    """);

  /**
   * ARGV[5] since, ARGV[6] the client's epoch or '', ARGV[7] and ARGV[8] the page's maximum events
   * and bytes: returns {seq, epoch, complete, events}. Seqs in the list are consecutive, so the
   * events after {@code since} start at a computed index (the first event held, when the list no
   * longer reaches back to {@code since + 1}: not complete); they are read a few at a time, so that
   * only the page is read. An event's size is the envelope a client receives: the stored body and
   * the {@code "seq":…,"epoch":"…",} the envelope adds, as {@link RoomHistory.Page} counts it.
   */
  static final RedisScript SINCE = RedisScript.of(ROOM + """
    local epoch = room()
    trim()
    local seq = tonumber(redis.call('HGET', KEYS[1], 'seq'))
    local since = tonumber(ARGV[5])
    if (ARGV[6] ~= '' and ARGV[6] ~= epoch) or since > seq then
      return {seq, epoch, 0, {}}
    end
    local first = seq + 1
    local head = redis.call('LINDEX', KEYS[2], 0)
    if head then
      first = tonumber(string.match(head, '^(%d+) '))
    end
    local complete = 1
    if since + 1 < first then
      complete, since = 0, first - 1
    end
    local maxEvents, maxBytes = tonumber(ARGV[7]), tonumber(ARGV[8])
    local page, bytes, index = {}, 0, since + 1 - first
    while #page < maxEvents do
      local chunk = redis.call('LRANGE', KEYS[2], index, index + math.min(maxEvents - #page, 16) - 1)
      if #chunk == 0 then
        break
      end
      for _, entry in ipairs(chunk) do
        local seqText, at = string.match(entry, '^(%d+) (%d+) ')
        bytes = bytes + #entry - #seqText - #at - 2 + #('"seq":' .. seqText .. ',"epoch":"' .. epoch .. '",')
        if #page > 0 and bytes > maxBytes then
          return {seq, epoch, complete, page}
        end
        page[#page + 1] = entry
      end
      index = index + #chunk
    end
    return {seq, epoch, complete, page}
    """);

  /** ARGV[1] now (ms), ARGV[2] idle time (ms): deletes the keys unless appended to since; 1 when none are left, 0 when kept. */
  static final RedisScript FORGET_IF_IDLE = RedisScript.of("""
    local used = redis.call('HGET', KEYS[1], 'used')
    if used and tonumber(ARGV[1]) - tonumber(used) < tonumber(ARGV[2]) then
      return 0
    end
    redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
    return 1
    """);

  private RoomScripts() {
  }
}
