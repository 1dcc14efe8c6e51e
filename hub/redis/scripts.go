package redis

import goredis "github.com/redis/go-redis/v9"

// The Lua scripts run atomically in Redis. Each touches only the keys of
// one hub name (KEYS), which share a hash tag. Invariant they keep: the
// stream holds only entries of the epoch in the meta hash, with ids
// "<offset>-0", offsets 1, 2, 3... without gaps but for trimming at the
// start, the last one equal to the hash's offset.

// appendScript stores a batch of entries, at consecutive offsets, and
// returns {epoch, offset of the first}.
//
// KEYS: meta, log. ARGV: a fresh epoch (used only when the hash has none),
// the approximate number of entries to keep (MAXLEN ~), the time to live
// in milliseconds (0: none), then for each entry its payload and a random
// nonce (so that a tail can tell the entry at an offset from another that
// replaced it after a failover).
//
// A missing epoch means nothing is stored, or Redis lost it (restarted
// without persistence, the keys expired or were evicted): a new epoch
// starts at offset 1, on an empty stream, so that no id of the old one can
// be taken for an entry of the new.
var appendScript = goredis.NewScript(`
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'offset', 0)
end
local n = (#ARGV - 3) / 2
local last = redis.call('HINCRBY', KEYS[1], 'offset', n)
local first = last - n + 1
for i = 0, n - 1 do
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], string.format('%.0f-0', first + i),
    'e', epoch, 'n', ARGV[5 + 2*i], 'p', ARGV[4 + 2*i])
end
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return {epoch, first}
`)

// stateScript returns {epoch or false, offset, first id or false, nonce
// of the entry at ARGV[1] or false}: what a tail compares its position
// with.
//
// KEYS: meta, log. ARGV: the tail's position.
var stateScript = goredis.NewScript(nonceAt + `
local m = redis.call('HMGET', KEYS[1], 'epoch', 'offset')
local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
local fid = false
if #first > 0 then fid = first[1][1] end
return {m[1], tonumber(m[2] or '0'), fid, nonceAt(KEYS[2], ARGV[1])}
`)

// fenceScript starts a new epoch when the stored one is still the epoch
// an instance applied but no longer holds what it applied: its top is
// below the instance's position, or the entry at that position is another
// (its nonce differs). Redis rolled back: a replica that had not received
// the last entries was promoted, and new entries may have reused their
// offsets. Those entries were seen by some subscribers and not others; a
// new epoch makes every old id unknown, so that each subscriber gets a
// reset instead of a silent gap. Returns the epoch now stored.
//
// KEYS: meta, log. ARGV: the epoch the instance had, its position, the
// nonce of its entry there, a fresh epoch.
var fenceScript = goredis.NewScript(nonceAt + `
local m = redis.call('HMGET', KEYS[1], 'epoch', 'offset')
if m[1] == ARGV[1] then
  local top = tonumber(m[2] or '0')
  local pos = tonumber(ARGV[2])
  local n = nonceAt(KEYS[2], ARGV[2])
  if top < pos or (n and n ~= ARGV[3]) then
    redis.call('DEL', KEYS[2])
    redis.call('HSET', KEYS[1], 'epoch', ARGV[4], 'offset', 0)
    return ARGV[4]
  end
end
return m[1]
`)

// nonceAt is a Lua function the scripts share: the nonce of the entry at
// offset pos of stream key, or false.
const nonceAt = `
local function nonceAt(key, pos)
  if tonumber(pos) == 0 then return false end
  local e = redis.call('XRANGE', key, pos .. '-0', pos .. '-0')
  if #e == 0 then return false end
  local f = e[1][2]
  for i = 1, #f, 2 do
    if f[i] == 'n' then return f[i+1] end
  end
  return false
end
`
