package dev.skillbus.store;

/**
 * The Lua scripts of the Redis documents and lists: each read-check-write is one script,
 * so no other node's command comes between the check and the write.
 */
final class StoreScripts {

  /**
   * KEYS[1] the document; ARGV[1] expected version or '', ARGV[2] the value, ARGV[3] time to live
   * (ms) or '' to keep the expiry: {1, version} or {0, current version}.
   */
  static final RedisScript PUT = RedisScript.of("""
    local version = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
    if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= version then
      return {0, version}
    end
    version = version + 1
    redis.call('HSET', KEYS[1], 'v', version, 'json', ARGV[2])
    if ARGV[3] ~= '' then
      redis.call('PEXPIRE', KEYS[1], ARGV[3])
    end
    return {1, version}
    """);

  /**
   * KEYS[1] the owner's list of ids, KEYS[2] the new item; ARGV[1] the owner's limit, ARGV[2] the
   * item's id, ARGV[3] its value: 1, or 0 when the owner's list is full.
   */
  static final RedisScript ADD = RedisScript.of("""
    if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[1]) then
      return 0
    end
    redis.call('RPUSH', KEYS[1], ARGV[2])
    redis.call('HSET', KEYS[2], 'list', KEYS[1], 'v', 1, 'json', ARGV[3])
    return 1
    """);

  /** KEYS[1] the owner's list; ARGV[1] the item key prefix: {version, value, …} for each item, oldest first. */
  static final RedisScript LIST = RedisScript.of("""
    local found = {}
    for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
      local item = redis.call('HMGET', ARGV[1] .. id, 'v', 'json')
      if item[1] then
        table.insert(found, item[1])
        table.insert(found, item[2])
      end
    end
    return found
    """);

  /** KEYS[1] the item; ARGV[1] expected version, ARGV[2] the value: {1, version}, {0, current} or {-1, 0} when missing. */
  static final RedisScript REPLACE = RedisScript.of("""
    local version = redis.call('HGET', KEYS[1], 'v')
    if not version then
      return {-1, 0}
    end
    if tonumber(ARGV[1]) ~= tonumber(version) then
      return {0, tonumber(version)}
    end
    redis.call('HSET', KEYS[1], 'v', tonumber(version) + 1, 'json', ARGV[2])
    return {1, tonumber(version) + 1}
    """);

  /**
   * KEYS[1] the item; ARGV[1] its id, ARGV[2] expected version or '': removes it and its place in its
   * owner's list: {1, version, value} of the removed item, {0, current version} or {-1} when missing.
   */
  static final RedisScript REMOVE = RedisScript.of("""
    local item = redis.call('HMGET', KEYS[1], 'list', 'v', 'json')
    if not item[1] then
      return {-1}
    end
    if ARGV[2] ~= '' and tonumber(ARGV[2]) ~= tonumber(item[2]) then
      return {0, tonumber(item[2])}
    end
    redis.call('LREM', item[1], 1, ARGV[1])
    redis.call('DEL', KEYS[1])
    return {1, tonumber(item[2]), item[3]}
    """);

  private StoreScripts() {
  }
}
