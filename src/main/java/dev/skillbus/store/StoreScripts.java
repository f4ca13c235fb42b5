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
   * item's id, ARGV[3] its value, ARGV[4] what the kind's item keys start with, then its selectable
   * fields as {@code f:<name>}, value pairs: 1, or 0 when the owner's list is full. A full list first
   * gives up the ids whose item is gone (a Redis with an evicting policy dropped it), so that they do
   * not keep their places for ever. {@code fv} says which version those fields are of.
   */
  static final RedisScript ADD = RedisScript.of("""
    if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[1]) then
      for _, id in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
        if redis.call('EXISTS', ARGV[4] .. id) == 0 then
          redis.call('LREM', KEYS[1], 0, id)
        end
      end
      if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[1]) then
        return 0
      end
    end
    redis.call('RPUSH', KEYS[1], ARGV[2])
    redis.call('HSET', KEYS[2], 'list', KEYS[1], 'v', 1, 'fv', 1, 'json', ARGV[3], unpack(ARGV, 5))
    return 1
    """);

  /**
   * KEYS[1] the owner's list; ARGV[1] the item key prefix, ARGV[2] offset, ARGV[3] limit, ARGV[4]
   * how many field, value pairs an item must have, then those pairs, then field, value pairs it must
   * not have: {total, version, value, …} for the page's items, newest first. Unfiltered, only the
   * page is read. Filtered, each item's selectable fields are read (a few short strings, or its value
   * when an older node wrote it without them) and only the page's values.
   */
  static final RedisScript LIST = RedisScript.of("""
    local prefix, offset, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
    local ids, total = {}, redis.call('LLEN', KEYS[1])
    if #ARGV == 4 then
      local window = redis.call('LRANGE', KEYS[1], -(offset + limit), -(offset + 1))
      for k = #window, 1, -1 do
        table.insert(ids, window[k])
      end
    else
      local only, except, names, wanted, i = {}, {}, {}, {'v', 'fv'}, 5
      for _ = 1, tonumber(ARGV[4]) do
        only[ARGV[i]] = ARGV[i + 1]
        table.insert(names, ARGV[i])
        i = i + 2
      end
      while i < #ARGV do
        if not except[ARGV[i]] then
          except[ARGV[i]] = {}
          if not only[ARGV[i]] then
            table.insert(names, ARGV[i])
          end
        end
        except[ARGV[i]][ARGV[i + 1]] = true
        i = i + 2
      end
      for _, name in ipairs(names) do
        table.insert(wanted, 'f:' .. name)
      end
      local function selected(key)
        local got = redis.call('HMGET', key, unpack(wanted))
        if not got[1] then
          return false
        end
        local value = {}
        if got[2] == got[1] then
          for k, name in ipairs(names) do
            value[name] = got[k + 2]
          end
        else
          local decoded = cjson.decode(redis.call('HGET', key, 'json'))
          for _, name in ipairs(names) do
            value[name] = type(decoded[name]) == 'string' and decoded[name]
          end
        end
        for name, v in pairs(only) do
          if value[name] ~= v then
            return false
          end
        end
        for name, left in pairs(except) do
          if value[name] and left[value[name]] then
            return false
          end
        end
        return true
      end
      local all = redis.call('LRANGE', KEYS[1], 0, -1)
      total = 0
      for k = #all, 1, -1 do
        if selected(prefix .. all[k]) then
          if total >= offset and #ids < limit then
            table.insert(ids, all[k])
          end
          total = total + 1
        end
      end
    end
    local found = {total}
    for _, id in ipairs(ids) do
      local item = redis.call('HMGET', prefix .. id, 'v', 'json')
      if item[1] then
        table.insert(found, item[1])
        table.insert(found, item[2])
      end
    end
    return found
    """);

  /**
   * KEYS[1] the item; ARGV[1] expected version, ARGV[2] the value, then its selectable fields as in
   * ADD: {1, version}, {0, current} or {-1, 0} when missing. The fields are written anew, so none
   * of the older value's stays.
   */
  static final RedisScript REPLACE = RedisScript.of("""
    local item = redis.call('HMGET', KEYS[1], 'v', 'list')
    if not item[1] then
      return {-1, 0}
    end
    local version = tonumber(item[1])
    if tonumber(ARGV[1]) ~= version then
      return {0, version}
    end
    redis.call('DEL', KEYS[1])
    redis.call('HSET', KEYS[1], 'list', item[2], 'v', version + 1, 'fv', version + 1, 'json', ARGV[2], unpack(ARGV, 3))
    return {1, version + 1}
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
