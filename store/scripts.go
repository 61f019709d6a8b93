package store

import "github.com/redis/go-redis/v9"

// Lua scripts. Each multi-key change is one script; its comment lists KEYS
// and ARGV. Queue scripts share luaQueueKeys and luaQueueLib and find item
// keys at run time from the queue prefix Q (ARGV[1]); all those keys carry
// the queue's hash tag, so a script stays in one Cluster slot. Times are
// Unix milliseconds from the store's Clock, never Redis TIME. Errors are
// error_reply codes that wrap maps to sentinels: NOTFOUND, NOTLEASE,
// DECIDED, INVALID, BACKLOG.

// luaQueueLib: helpers shared by the queue scripts.
//
// An item hash has: ad, h (content hash), ver, src, url, title, lang, lvl,
// sc (score), ind (indicators, comma-separated), st (status), enq (enqueue
// ms), m (its member in the ordered sets), by, lease, snz (snooze until),
// dec, decby, decat, note, sl (who asked for a second look), aud (the
// item's audit entry ids, space-separated: an index cheaper than a list
// key per item; entries about ids without an item go to a list).
//
// The ordered sets (pending, pending:LANG, open) hold members with score 0
// so that Redis orders them by the member string: one digit 3-level, 12
// digits of inverted score (milli-units), 15 digits of enqueue ms, ":" and
// the id. Lowest member = highest level, then highest score, then oldest.
const luaQueueLib = luaQueueKeys + `
local function member(lvl, score, enq, id)
  local s = tonumber(score) or 0
  if s < 0 then s = 0 end
  if s > 999999999 then s = 999999999 end
  local l = tonumber(lvl) or 0
  if l < 0 then l = 0 end
  if l > 3 then l = 3 end
  return string.format('%d%012.0f%015.0f:%s', 3 - l, 999999999999 - math.floor(s * 1000), tonumber(enq), id)
end
local function member_id(m) return string.sub(m, 30) end
local function audit(now, actor, action, id, before, after, note)
  local sid = redis.call('XADD', k_audit(), '*', 'at', now, 'actor', actor, 'action', action,
    'item', id, 'before', before, 'after', after, 'note', note)
  if id ~= '' then
    local k = k_item(id)
    if redis.call('EXISTS', k) == 1 then
      local a = redis.call('HGET', k, 'aud')
      if a then a = a .. ' ' .. sid else a = sid end
      redis.call('HSET', k, 'aud', a)
    else
      redis.call('RPUSH', k_audit_of(id), sid)
    end
  end
  return sid
end
-- The filter indexes of pending items: per indicator and per source an
-- ordered set like pending (the per-language one is pending:LANG). A
-- filter by one of them (and the level, a range of members) is counted by
-- ZLEXCOUNT; pcount holds what a set cannot count cheaply, per level digit
-- of the member (3 - level): the pending items per combination of two or
-- three of language, source and indicator (combo_field), and per
-- enqueue-time bucket of age_bucket ms (age_field), so that a minimum age
-- reads whole buckets and walks items only within one. An item hash's
-- indicators may repeat one; each counts once. Few fields per item keep
-- enqueue and claim fast.
local function indicators(csv)
  local out, seen = {}, {}
  for x in string.gmatch(csv or '', '[^,]+') do
    if not seen[x] then seen[x] = true; out[#out + 1] = x end
  end
  return out
end
local function combo_field(d, lang, src, ind)
  local function v(x) if x then return '=' .. x end return '*' end
  return 'c\0' .. d .. '\0' .. v(lang) .. '\0' .. v(src) .. '\0' .. v(ind)
end
local age_bucket = 900000
local function age_field(d, b) return 'a\0' .. d .. '\0' .. string.format('%.0f', b) end
local function member_enq(m) return tonumber(string.sub(m, 14, 28)) end
local function count_pending(it, inds, delta)
  local function incr(f)
    if redis.call('HINCRBY', k_pcount(), f, delta) <= 0 then redis.call('HDEL', k_pcount(), f) end
  end
  local d = string.sub(it.m, 1, 1)
  incr(age_field(d, math.floor(member_enq(it.m) / age_bucket)))
  incr(combo_field(d, it.lang, it.src, nil))
  for _, x in ipairs(inds) do
    incr(combo_field(d, it.lang, nil, x))
    incr(combo_field(d, nil, it.src, x))
    incr(combo_field(d, it.lang, it.src, x))
  end
end
-- add_pending and rem_pending take an item's state (m, lang, lvl, src,
-- ind); the counts change only when the per-source set did, so a repeat
-- (or an item queued before these indexes existed) never skews them.
local function add_pending(it)
  local m = it.m
  redis.call('ZADD', k_pending(), 0, m)
  redis.call('ZADD', k_pending_lang(it.lang), 0, m)
  if redis.call('ZADD', k_pending_src(it.src or ''), 0, m) == 0 then return end
  local inds = indicators(it.ind)
  for _, x in ipairs(inds) do redis.call('ZADD', k_pending_ind(x), 0, m) end
  count_pending(it, inds, 1)
end
local function rem_pending(it)
  local m = it.m
  redis.call('ZREM', k_pending(), m)
  redis.call('ZREM', k_pending_lang(it.lang), m)
  if redis.call('ZREM', k_pending_src(it.src or ''), m) == 0 then return end
  local inds = indicators(it.ind)
  for _, x in ipairs(inds) do redis.call('ZREM', k_pending_ind(x), m) end
  count_pending(it, inds, -1)
end
local function add_open(id, m, lvl, lang, enq)
  redis.call('ZADD', k_open(), 0, m)
  redis.call('ZADD', k_byage(), enq, id)
  redis.call('HINCRBY', k_depth(), lvl .. ':' .. lang, 1)
end
local function rem_open(id, m, lvl, lang)
  redis.call('ZREM', k_open(), m)
  redis.call('ZREM', k_byage(), id)
  if redis.call('HINCRBY', k_depth(), lvl .. ':' .. lang, -1) <= 0 then
    redis.call('HDEL', k_depth(), lvl .. ':' .. lang)
  end
end
local function state(k)
  local f = redis.call('HMGET', k, 'st', 'm', 'lang', 'lvl', 'enq', 'by', 'dec', 'ver', 'src', 'ind')
  return {st = f[1], m = f[2], lang = f[3], lvl = f[4], enq = f[5],
    by = f[6] or '', dec = f[7] or '', ver = f[8] or '', src = f[9] or '', ind = f[10] or ''}
end
local function is_open(s) return s.st == 'pending' or s.st == 'claimed' end
local function describe(s)
  if s.st == 'decided' then return 'decided:' .. s.dec end
  if s.by ~= '' then return s.st .. ':' .. s.by end
  return s.st
end
-- leave takes an item out of the set its status keeps it in.
local function leave(id, s)
  if s.st == 'pending' then rem_pending(s) end
  if s.st == 'claimed' then redis.call('ZREM', k_leases(), id) end
  if s.st == 'snoozed' then redis.call('ZREM', k_snoozed(), id) end
  if s.st == 'decided' then redis.call('ZREM', k_decided(), id) end
end
local function msfmt(n) return string.format('%.0f', n) end
-- recover returns expired leases to pending and wakes due snoozes.
local function recover(now, limit)
  local ids = redis.call('ZRANGEBYSCORE', k_leases(), '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(ids) do
    local k = k_item(id)
    local s = state(k)
    redis.call('ZREM', k_leases(), id)
    if s.st == 'claimed' then
      redis.call('HSET', k, 'st', 'pending')
      redis.call('HDEL', k, 'by', 'lease')
      add_pending(s)
      audit(now, 'system', 'lease-expired', id, describe(s), 'pending', '')
    end
  end
  local woke = redis.call('ZRANGEBYSCORE', k_snoozed(), '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(woke) do
    local k = k_item(id)
    local s = state(k)
    redis.call('ZREM', k_snoozed(), id)
    if s.st == 'snoozed' then
      redis.call('HSET', k, 'st', 'pending')
      redis.call('HDEL', k, 'snz')
      add_pending(s)
      add_open(id, s.m, s.lvl, s.lang, s.enq)
      audit(now, 'system', 'wake', id, 'snoozed', 'pending', '')
    end
  end
  return #ids
end
`

// enqueueScript adds or updates a review item, idempotent by content hash.
// KEYS[1] item key.
// ARGV: Q, now, id, hash, version, source, url, title, lang, level, score,
// indicators, actor. Returns new | same | updated | reopened.
var enqueueScript = redis.NewScript(luaQueueLib + `
local now, id, h, ver = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local lang, lvl, score, actor = ARGV[9], ARGV[10], ARGV[11], ARGV[13]
local k = KEYS[1]
local s = state(k)
local function now_item(m) return {m = m, lang = lang, lvl = lvl, src = ARGV[6], ind = ARGV[12]} end
local fields = {'h', h, 'ver', ver, 'src', ARGV[6], 'url', ARGV[7], 'title', ARGV[8],
  'lang', lang, 'lvl', lvl, 'sc', score, 'ind', ARGV[12]}
if not s.st then
  local m = member(lvl, score, now, id)
  -- an empty pending set is completely indexed (see indexPending)
  if redis.call('EXISTS', k_pending()) == 0 then redis.call('SET', k_pindexed(), '1') end
  redis.call('HSET', k, 'ad', id, 'st', 'pending', 'enq', now, 'm', m, unpack(fields))
  add_pending(now_item(m))
  add_open(id, m, lvl, lang, now)
  audit(now, actor, 'enqueue', id, '', 'pending v' .. ver, '')
  return 'new'
end
if redis.call('HGET', k, 'h') == h then return 'same' end
if s.st == 'decided' then
  local m = member(lvl, score, now, id)
  leave(id, s)
  redis.call('HDEL', k, 'by', 'lease', 'snz', 'dec', 'decby', 'decat', 'sl')
  redis.call('HSET', k, 'st', 'pending', 'enq', now, 'm', m, unpack(fields))
  add_pending(now_item(m))
  add_open(id, m, lvl, lang, now)
  audit(now, actor, 'reopen', id, describe(s) .. ' v' .. s.ver, 'pending v' .. ver, '')
  return 'reopened'
end
local m = member(lvl, score, s.enq, id)
if s.st == 'pending' then
  rem_pending(s)
  add_pending(now_item(m))
end
if is_open(s) then
  rem_open(id, s.m, s.lvl, s.lang)
  add_open(id, m, lvl, lang, s.enq)
end
redis.call('HSET', k, 'm', m, unpack(fields))
audit(now, actor, 'update', id, 'v' .. s.ver, 'v' .. ver, '')
return 'updated'
`)

// claimScript recovers expired leases, then leases the best pending item,
// preferring the actor's languages and skipping items the actor sent for
// a second look.
// KEYS[1] the pending set (routes the script; all keys are under Q).
// ARGV: Q, now, lease ms, actor, lang…
// Returns {recovered} when empty, else {recovered, item HGETALL}.
var claimScript = redis.NewScript(luaQueueLib + `
local now, actor = ARGV[2], ARGV[4]
local rec = recover(now, 1000)
local function pick(key)
  for _, m in ipairs(redis.call('ZRANGE', key, 0, 19)) do
    if redis.call('HGET', k_item(member_id(m)), 'sl') ~= actor then return m end
  end
  return nil
end
local best = nil
for i = 5, #ARGV do
  local m = pick(k_pending_lang(ARGV[i]))
  if m and (not best or m < best) then best = m end
end
if not best then best = pick(k_pending()) end
if not best then return {rec} end
local id = member_id(best)
local k = k_item(id)
local s = state(k)
rem_pending(s)
local lease = msfmt(tonumber(now) + tonumber(ARGV[3]))
redis.call('HSET', k, 'st', 'claimed', 'by', actor, 'lease', lease)
redis.call('ZADD', k_leases(), lease, id)
audit(now, actor, 'claim', id, 'pending', 'claimed:' .. actor, '')
return {rec, redis.call('HGETALL', k)}
`)

// heartbeatScript extends the holder's lease.
// KEYS[1] item key. ARGV: Q, now, id, actor, lease ms. Returns lease ms.
var heartbeatScript = redis.NewScript(luaQueueLib + `
local s = state(KEYS[1])
if not s.st then return redis.error_reply('NOTFOUND') end
if s.st == 'decided' then return redis.error_reply('DECIDED') end
if s.st ~= 'claimed' or s.by ~= ARGV[4] then return redis.error_reply('NOTLEASE') end
local lease = msfmt(tonumber(ARGV[2]) + tonumber(ARGV[5]))
redis.call('HSET', KEYS[1], 'lease', lease)
redis.call('ZADD', k_leases(), lease, ARGV[3])
return lease
`)

// decideScript records a decision from the lease holder or a lead/admin
// (who may also re-decide an escalated item). needs-second-look returns
// the item to pending, marked so that the same reviewer does not get it.
// KEYS[1] item key. ARGV: Q, now, id, actor, role, decision, note.
// Returns the item's HGETALL after the change.
var decideScript = redis.NewScript(luaQueueLib + `
local now, id, actor, d, note = ARGV[2], ARGV[3], ARGV[4], ARGV[6], ARGV[7]
local k = KEYS[1]
local s = state(k)
if not s.st then return redis.error_reply('NOTFOUND') end
local lead = ARGV[5] == 'lead' or ARGV[5] == 'admin'
if s.st == 'decided' and not (lead and s.dec == 'escalate') then return redis.error_reply('DECIDED') end
if not lead and not (s.st == 'claimed' and s.by == actor) then return redis.error_reply('NOTLEASE') end
local before = describe(s)
leave(id, s)
redis.call('HDEL', k, 'by', 'lease', 'snz')
if note ~= '' then redis.call('HSET', k, 'note', note) end
if d == 'needs-second-look' then
  redis.call('HSET', k, 'st', 'pending', 'sl', actor)
  add_pending(s)
  if not is_open(s) then add_open(id, s.m, s.lvl, s.lang, s.enq) end
  audit(now, actor, 'decide', id, before, 'pending:' .. d, note)
  return redis.call('HGETALL', k)
end
redis.call('HSET', k, 'st', 'decided', 'dec', d, 'decby', actor, 'decat', now)
if is_open(s) then rem_open(id, s.m, s.lvl, s.lang) end
redis.call('ZADD', k_decided(), now, id)
local sid = audit(now, actor, 'decide', id, before, 'decided:' .. d, note)
redis.call('ZADD', k_decisions(), now, sid)
return redis.call('HGETALL', k)
`)

// reassignScript gives an undecided item to another reviewer (or back to
// pending when the target is empty). The caller checked the lead role.
// KEYS[1] item key. ARGV: Q, now, id, lead, to, lease ms.
var reassignScript = redis.NewScript(luaQueueLib + `
local now, id, lead, to = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local k = KEYS[1]
local s = state(k)
if not s.st then return redis.error_reply('NOTFOUND') end
if s.st == 'decided' then return redis.error_reply('DECIDED') end
local before = describe(s)
leave(id, s)
redis.call('HDEL', k, 'by', 'lease', 'snz')
if not is_open(s) then add_open(id, s.m, s.lvl, s.lang, s.enq) end
if to == '' then
  redis.call('HSET', k, 'st', 'pending')
  add_pending(s)
  audit(now, lead, 'reassign', id, before, 'pending', '')
  return 'pending'
end
local lease = msfmt(tonumber(now) + tonumber(ARGV[6]))
redis.call('HSET', k, 'st', 'claimed', 'by', to, 'lease', lease)
redis.call('ZADD', k_leases(), lease, id)
audit(now, lead, 'reassign', id, before, 'claimed:' .. to, '')
return 'claimed'
`)

// snoozeScript puts an item aside until a time; the holder or a lead may.
// KEYS[1] item key. ARGV: Q, now, id, actor, role, until ms.
var snoozeScript = redis.NewScript(luaQueueLib + `
local now, id, actor, untl = ARGV[2], ARGV[3], ARGV[4], ARGV[6]
local k = KEYS[1]
local s = state(k)
if not s.st then return redis.error_reply('NOTFOUND') end
if s.st == 'decided' then return redis.error_reply('DECIDED') end
local lead = ARGV[5] == 'lead' or ARGV[5] == 'admin'
if not lead and not (s.st == 'claimed' and s.by == actor) then return redis.error_reply('NOTLEASE') end
local before = describe(s)
leave(id, s)
if is_open(s) then rem_open(id, s.m, s.lvl, s.lang) end
redis.call('HDEL', k, 'by', 'lease')
redis.call('HSET', k, 'st', 'snoozed', 'snz', untl)
redis.call('ZADD', k_snoozed(), untl, id)
audit(now, actor, 'snooze', id, before, 'snoozed:' .. untl, '')
return 'snoozed'
`)

// noteScript attaches a note to an item.
// KEYS[1] item key. ARGV: Q, now, id, actor, note.
var noteScript = redis.NewScript(luaQueueLib + `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOTFOUND') end
redis.call('HSET', KEYS[1], 'note', ARGV[5])
return audit(ARGV[2], ARGV[4], 'note', ARGV[3], '', '', ARGV[5])
`)

// recoverScript returns up to a limit of expired leases to pending and
// wakes due snoozes. KEYS[1] the lease set (routes the script).
// ARGV: Q, now, limit.
var recoverScript = redis.NewScript(luaQueueLib + `
return recover(ARGV[2], tonumber(ARGV[3]))
`)

// queueScript lists waiting or pending items that match a filter, in
// queue order, with the exact total, without reading every item. The
// total of pending items is a ZLEXCOUNT of the smallest filter set (the
// level is a member range) or, for two or three of language, source and
// indicator, a sum of pcount fields; with a minimum age it comes from the
// age buckets, or from the items on the smaller side of the cutoff in
// byage, or from walking the smallest set, whichever reads least. The
// page walks the smallest set from the front, checking the others by
// ZSCORE and the age in the member, until it holds offset+limit items or
// every match (or, when few open items are old enough, sorts those). Claimed items (few: one or two per reviewer) are checked one by
// one when waiting items are asked for, and merged by member.
// KEYS[1] the pending set (routes the script; all keys are under Q).
// ARGV: Q, waiting ("1": pending and claimed, else pending), offset,
// limit, level, lang, source, indicator ("" = any), cutoff ms ("" = no
// minimum age), how many old enough items are few (1000), the factor
// by which walking a set beats reading items (4).
// Returns {total, id…} (the page's ids).
var queueScript = redis.NewScript(luaQueueLib + `
local waiting, off, lim = ARGV[2] == '1', tonumber(ARGV[3]), tonumber(ARGV[4])
local function arg(i) if ARGV[i] == '' then return nil end return ARGV[i] end
local lvl, lang, src, ind = arg(5), arg(6), arg(7), arg(8)
local cutoff = tonumber(ARGV[9])
local function matches(f)
  if (lvl and f[1] ~= lvl) or (lang and f[2] ~= lang) or (src and f[3] ~= src) then return false end
  if ind and not string.find(',' .. (f[4] or '') .. ',', ',' .. ind .. ',', 1, true) then return false end
  return true
end
local function fields(id) return redis.call('HMGET', k_item(id), 'lvl', 'lang', 'src', 'ind', 'enq', 'st', 'm') end
-- less compares members bytewise, as Redis orders them (Lua's < follows
-- the server's collation locale).
local function less(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local sets = {}
if lang then sets[#sets + 1] = k_pending_lang(lang) end
if ind then sets[#sets + 1] = k_pending_ind(ind) end
if src then sets[#sets + 1] = k_pending_src(src) end
local nsets = #sets
if nsets == 0 then sets[1] = k_pending() end
local lo, hi, digits = '-', '+', {'0', '1', '2', '3'}
if lvl then
  local d = 3 - tonumber(lvl)
  lo, hi, digits = '[' .. d, '(' .. (d + 1), {tostring(d)}
end
local size = {}
for _, k in ipairs(sets) do size[k] = redis.call('ZLEXCOUNT', k, lo, hi) end
table.sort(sets, function(a, b) return size[a] < size[b] end)
local function hsum(fs)
  local n = 0
  for _, v in ipairs(redis.call('HMGET', k_pcount(), unpack(fs))) do n = n + (tonumber(v) or 0) end
  return n
end
-- the total without the minimum age
local total = size[sets[1]]
if nsets > 1 then
  local fs = {}
  for _, d in ipairs(digits) do fs[#fs + 1] = combo_field(d, lang, src, ind) end
  total = hsum(fs)
end
local need = off + lim
-- walk reads the smallest set in queue order, checking the age and the
-- other sets, and returns the first need matches and how many it saw: all
-- of them when all is set, else it stops at need or the total.
local function walk(all)
  local page, n, from = {}, 0, lo
  local batch = 1000
  if not all then batch = math.min(1000, math.max(100, need * 2)) end
  while all or (#page < need and #page < total) do
    local ms = redis.call('ZRANGEBYLEX', sets[1], from, hi, 'LIMIT', 0, batch)
    for _, m in ipairs(ms) do
      local ok = not cutoff or member_enq(m) <= cutoff
      for j = 2, #sets do
        if ok and not redis.call('ZSCORE', sets[j], m) then ok = false end
      end
      if ok then
        n = n + 1
        if #page < need then page[#page + 1] = m end
        if not all and #page >= need then break end
      end
    end
    if #ms < batch or (not all and #page >= need) then break end
    from = '(' .. ms[#ms]
  end
  return page, n
end
-- matching pending items enqueued in a range of byage: their members
-- when collect is set, and how many
local function in_range(a, b, collect)
  local out, n = {}, 0
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', k_byage(), a, b)) do
    local f = fields(id)
    if f[6] == 'pending' and matches(f) then
      n = n + 1
      if collect then out[#out + 1] = f[7] end
    end
  end
  return out, n
end
local page
if cutoff and total > 0 then
  local all, old = redis.call('ZCARD', k_byage()), redis.call('ZCOUNT', k_byage(), '-inf', ARGV[9])
  if old <= tonumber(ARGV[10]) then
    -- few old enough: read them all
    page, total = in_range('-inf', ARGV[9], true)
    table.sort(page, less)
  elseif nsets == 0 then
    -- whole buckets before the cutoff's, then the smaller side of the
    -- cutoff within its bucket, item by item
    local cb = math.floor(cutoff / age_bucket)
    local b = math.floor(tonumber(redis.call('ZRANGE', k_byage(), 0, 0, 'WITHSCORES')[2]) / age_bucket)
    local n = 0
    while b < cb do
      local fs = {}
      for x = b, math.min(cb - 1, b + 124) do
        for _, d in ipairs(digits) do fs[#fs + 1] = age_field(d, x) end
      end
      n = n + hsum(fs)
      b = b + 125
    end
    local first, last = msfmt(cb * age_bucket), msfmt(cb * age_bucket + age_bucket - 1)
    if redis.call('ZCOUNT', k_byage(), first, ARGV[9]) <= redis.call('ZCOUNT', k_byage(), '(' .. ARGV[9], last) then
      local _, c = in_range(first, ARGV[9], false)
      n = n + c
    else
      local fs = {}
      for _, d in ipairs(digits) do fs[#fs + 1] = age_field(d, cb) end
      local _, c = in_range('(' .. ARGV[9], last, false)
      n = n + hsum(fs) - c
    end
    total = n
  elseif size[sets[1]] <= tonumber(ARGV[11]) * math.min(old, all - old) then
    -- counting along the smallest set is cheaper than reading items; the
    -- intersection of two or three (scores 0: still in queue order) is
    -- made in C, in a key this script alone sees
    if nsets > 1 then
      redis.call('ZINTERSTORE', k_tmp(), #sets, unpack(sets))
      sets = {k_tmp()}
    end
    page, total = walk(true)
    if nsets > 1 then redis.call('DEL', k_tmp()) end
  elseif old <= all - old then
    local _, c = in_range('-inf', ARGV[9], false)
    total = c
  else
    local _, c = in_range('(' .. ARGV[9], '+inf', false)
    total = total - c
  end
end
if not page then page = walk(false) end
if waiting then
  local claimed = {}
  for _, id in ipairs(redis.call('ZRANGE', k_leases(), 0, -1)) do
    local f = fields(id)
    if f[6] == 'claimed' and matches(f) and (not cutoff or tonumber(f[5]) <= cutoff) then
      total = total + 1
      claimed[#claimed + 1] = f[7]
    end
  end
  table.sort(claimed, less)
  local merged, i, j = {}, 1, 1
  while #merged < need and (i <= #page or j <= #claimed) do
    if j > #claimed or (i <= #page and less(page[i], claimed[j])) then
      merged[#merged + 1] = page[i]; i = i + 1
    else
      merged[#merged + 1] = claimed[j]; j = j + 1
    end
  end
  page = merged
end
local out = {total}
for i = off + 1, math.min(need, #page) do out[#out + 1] = member_id(page[i]) end
return out
`)

// indexPendingScript adds up to a limit of pending items, from a cursor
// on, to the filter indexes (items queued by a version without them;
// add_pending skips indexed ones).
// KEYS[1] the pending set (routes the script; all keys are under Q).
// ARGV: Q, cursor ("-" from the start, else the last member done), limit.
// Returns the last member done, or "" at the end.
var indexPendingScript = redis.NewScript(luaQueueLib + `
local lo = ARGV[2]
if lo ~= '-' then lo = '(' .. lo end
local ms = redis.call('ZRANGEBYLEX', k_pending(), lo, '+', 'LIMIT', 0, tonumber(ARGV[3]))
for _, m in ipairs(ms) do
  local s = state(k_item(member_id(m)))
  if s.st == 'pending' and s.m == m then add_pending(s) end
end
if #ms < tonumber(ARGV[3]) then return '' end
return ms[#ms]
`)

// auditScript appends one entry (and indexes it by item).
// KEYS[1] the audit stream. ARGV: Q, at, actor, action, item, before,
// after, note.
var auditScript = redis.NewScript(luaQueueLib + `
return audit(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8])
`)

// appendAdScript adds an ad to the stream unless the backlog is full.
// KEYS[1] stream. ARGV: max backlog, ad blob, raw blob.
var appendAdScript = redis.NewScript(`
if redis.call('XLEN', KEYS[1]) >= tonumber(ARGV[1]) then
  return redis.error_reply('BACKLOG ad stream holds ' .. ARGV[1] .. ' unacknowledged entries')
end
return redis.call('XADD', KEYS[1], '*', 'ad', ARGV[2], 'raw', ARGV[3])
`)

// ackScript acknowledges and deletes a handled stream entry.
// KEYS[1] stream, KEYS[2] failure counts. ARGV: group, msg id.
var ackScript = redis.NewScript(`
local n = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[2])
return n
`)

// failScript counts a failure; at the limit (or when forced) it moves the
// entry to the dead-letter stream with the error, acks and deletes it.
// KEYS[1] stream, KEYS[2] dead-letter stream, KEYS[3] failure counts.
// ARGV: group, msg id, cause, max attempts, now, max dead letters, force
// ("1" or "0"), attempts floor (deliveries seen, 0 if unknown).
// Returns {dead (0/1), attempts}; {0, 0} when the entry is gone (already
// acknowledged or dead-lettered).
var failScript = redis.NewScript(`
local e = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
if not e[1] then
  redis.call('HDEL', KEYS[3], ARGV[2])
  return {0, 0}
end
local n = redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
if tonumber(ARGV[8]) > n then n = tonumber(ARGV[8]) end
if n < tonumber(ARGV[4]) and ARGV[7] ~= '1' then return {0, n} end
local ad = ''
local f = e[1][2]
for i = 1, #f, 2 do if f[i] == 'ad' then ad = f[i + 1] end end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'msg', ARGV[2], 'ad', ad,
  'error', ARGV[3], 'attempts', n, 'at', ARGV[5])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[2])
return {1, n}
`)

// saveAdScript stores one ad version: new, same content (only last-seen
// updated: the first capture of a content stays its evidence) or changed (version bumped, hash appended
// to vers). The ad hash has: h (content hash), ver, vers (content hashes,
// space-separated, oldest first), first, last, removed, keep. The data key
// holds the ad and its verdict compressed together (hit texts repeat the
// body, so one stream compresses better than two).
// Retention: a kept ad (confirmed or escalated) is persisted; otherwise a
// positive TTL expires the ad's keys.
// KEYS[1] ad hash, KEYS[2] data, KEYS[3] raw body.
// ARGV: content hash, now, data blob, raw blob or "", ttl ms ("0" = leave
// TTLs alone).
// Returns {new|same|changed, version}.
var saveAdScript = redis.NewScript(`
local old = redis.call('HGET', KEYS[1], 'h')
local out, ver
if not old then
  out, ver = 'new', 1
  redis.call('HSET', KEYS[1], 'h', ARGV[1], 'ver', 1, 'vers', ARGV[1], 'first', ARGV[2], 'last', ARGV[2])
  redis.call('SET', KEYS[2], ARGV[3])
  if ARGV[4] ~= '' then redis.call('SET', KEYS[3], ARGV[4]) end
elseif old == ARGV[1] then
  out, ver = 'same', tonumber(redis.call('HGET', KEYS[1], 'ver'))
  redis.call('HSET', KEYS[1], 'last', ARGV[2])
  redis.call('HDEL', KEYS[1], 'removed')
else
  out, ver = 'changed', redis.call('HINCRBY', KEYS[1], 'ver', 1)
  local vers = (redis.call('HGET', KEYS[1], 'vers') or '') .. ' ' .. ARGV[1]
  redis.call('HSET', KEYS[1], 'h', ARGV[1], 'vers', vers, 'last', ARGV[2])
  redis.call('HDEL', KEYS[1], 'removed')
  redis.call('SET', KEYS[2], ARGV[3])
  if ARGV[4] ~= '' then redis.call('SET', KEYS[3], ARGV[4]) else redis.call('DEL', KEYS[3]) end
end
if redis.call('HGET', KEYS[1], 'keep') == '1' then
  for i = 1, 3 do redis.call('PERSIST', KEYS[i]) end
elseif ARGV[5] ~= '0' then
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
end
return {out, ver}
`)

// retainScript applies a decision's retention to an ad's keys: "keep"
// persists them for good, a positive ms TTL expires them unless kept.
// KEYS[1] ad hash, KEYS[2] data, KEYS[3] raw body. ARGV: keep | ttl ms.
var retainScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] == 'keep' then
  redis.call('HSET', KEYS[1], 'keep', '1')
  for i = 1, 3 do redis.call('PERSIST', KEYS[i]) end
elseif redis.call('HGET', KEYS[1], 'keep') ~= '1' then
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
end
return 1
`)

// markRemovedScript records that an ad was taken down at a time.
// KEYS[1] ad hash. ARGV: at ms.
var markRemovedScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOTFOUND') end
redis.call('HSET', KEYS[1], 'removed', ARGV[1])
return 1
`)

// indexEntitiesScript links an ad to its entities.
// KEYS[1] the entity ranking (routes the script; all keys are under E).
// ARGV: E, ad id, "kind:value"…
// Returns how many links were new.
var indexEntitiesScript = redis.NewScript(luaEntityKeys + `
local id, n = ARGV[2], 0
for i = 3, #ARGV do
  local ev = ARGV[i]
  if redis.call('SADD', k_entity_ads(ev), id) == 1 then
    redis.call('ZINCRBY', k_top(), 1, ev)
    n = n + 1
  end
end
return n
`)
