package redis

import goredis "github.com/redis/go-redis/v9"

// The Lua scripts run atomically in Redis. Each touches only the keys of
// one hub name (KEYS), which share a hash tag. Invariant they keep: the
// stream holds only entries of the epoch in the meta hash, with ids
// "<offset>-0", offsets 1, 2, 3... without gaps but for trimming at the
// start, the last one equal to the hash's offset.

// appendScript stores one entry and returns {epoch, offset}.
//
// KEYS: meta, log. ARGV: a fresh epoch (used only when the hash has none),
// the approximate number of entries to keep (MAXLEN ~), the time to live
// in milliseconds (0: none), the payload.
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
local off = redis.call('HINCRBY', KEYS[1], 'offset', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], string.format('%.0f-0', off), 'e', epoch, 'p', ARGV[4])
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return {epoch, off}
`)

// stateScript returns {epoch or false, offset, first id or false}: what a
// tail compares its position with.
//
// KEYS: meta, log.
var stateScript = goredis.NewScript(`
local m = redis.call('HMGET', KEYS[1], 'epoch', 'offset')
local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
local fid = false
if #first > 0 then fid = first[1][1] end
return {m[1], tonumber(m[2] or '0'), fid}
`)

// fenceScript starts a new epoch when the stored one is behind a position
// an instance has applied: Redis rolled back (a replica that had not
// received the last entries was promoted). Entries of the old epoch past
// the rollback were seen by some subscribers and not others, and new ones
// would reuse their offsets; a new epoch makes every old id unknown, so
// that each subscriber gets a reset instead of a silent gap. Returns the
// epoch now stored.
//
// KEYS: meta, log. ARGV: the epoch the instance had, its position, a
// fresh epoch.
var fenceScript = goredis.NewScript(`
local m = redis.call('HMGET', KEYS[1], 'epoch', 'offset')
if m[1] == ARGV[1] and tonumber(m[2] or '0') < tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', ARGV[3], 'offset', 0)
  return ARGV[3]
end
return m[1]
`)
