package store

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Key layout. Every Redis key the store uses is built here, and nowhere
// else. Keys are grouped into Cluster hash slots by a {hash tag} that
// includes the configured prefix (so two deployments or two tests sharing a
// server never collide, and the test helper's unanchored prefix match still
// finds them):
//
//	{P s}:…        the ad stream, its dead-letter stream and failure counts.
//	               Every stream script touches only these keys.
//	{P ad:ID}…     one ad: its hash (content hash, versions, times), its
//	               data (ad and verdict, compressed) and its compressed raw
//	               body. The data is a key of its own so that the hash keeps
//	               Redis' compact listpack encoding (values up to 64 bytes).
//	               Per-ad tags spread ads (the bulk of the data) over all
//	               Cluster masters.
//	{P q}:…        the whole review queue: item hashes, the ordered pending
//	               sets (all, per language, per indicator, per source) and
//	               the pending counts per filter, the open set, leases,
//	               snoozes, decided items, depth counters and the audit
//	               stream with its indexes.
//	{P e}:…        the entity index: ads per entity and the ranking of
//	               entities by ad count (an ad's own entities are in its
//	               verdict).
//	{P f:SRC}:…    one source's crawl frontier: per cycle the URLs seen,
//	               pending (FIFO), leased and their tasks; the cycles held;
//	               the page records. Sources spread over the masters.
//	P url:B        AdByURL's index: 4,096 bucket hashes, URL hash → ad id
//	               (small hashes stay listpack-encoded: ~60 bytes a URL
//	               instead of ~150 for a key each); touched alone.
//
// Why the queue is one slot: claim-next must atomically pick the best item
// across every pending item and lease it, and every queue change must append
// to the audit stream in the same step. A global sorted set cannot share a
// slot with per-item keys under per-item tags, so the item hashes live under
// the queue's tag instead. The cost is that the review queue (small: one
// short hash per flagged ad) sits on one Cluster master, while ads, raw
// bodies and the stream spread out; the queue's throughput is a single
// master's, far above what human reviewers need. Scripts that must find an
// item key at run time (claim-next, the lease recoverer) build it from the
// queue prefix passed in ARGV; it is in the same slot by construction.
type keys struct {
	p string // prefix, ending in ":"
}

func newKeys(prefix string) keys {
	if !strings.HasSuffix(prefix, ":") {
		prefix += ":"
	}
	return keys{p: prefix}
}

// Stream slot.
func (k keys) streamTag() string  { return "{" + k.p + "s}" }
func (k keys) adStream() string   { return k.streamTag() + ":ads" }
func (k keys) deadStream() string { return k.streamTag() + ":dead" }
func (k keys) failCounts() string { return k.streamTag() + ":fails" }

// Per-ad slot.
func (k keys) adTag(id string) string  { return "{" + k.p + "ad:" + id + "}" }
func (k keys) ad(id string) string     { return k.adTag(id) }
func (k keys) adData(id string) string { return k.adTag(id) + ":d" }
func (k keys) adRaw(id string) string  { return k.adTag(id) + ":raw" }

// URL index: the bucket key and the field for u.
func (k keys) url(u string) (key, field string) {
	h := sha256.Sum256([]byte(u))
	x := hex.EncodeToString(h[:16])
	return k.p + "url:" + x[:3], x[3:]
}

// Frontier slot of one source. Source ids come from the operator's
// config; one with braces is hex-encoded so that it cannot break the tag.
func (k keys) frontier(source string) string {
	if strings.ContainsAny(source, "{}") {
		source = "x" + hex.EncodeToString([]byte(source))
	}
	return "{" + k.p + "f:" + source + "}:"
}
func (k keys) frontierPages(source string) string  { return k.frontier(source) + "pages" }
func (k keys) frontierCycles(source string) string { return k.frontier(source) + "cycles" }

// luaFrontierKeys is the Lua twin for frontier scripts; F is
// keys.frontier(source), passed as ARGV[1], and a cycle's keys are
// F..'c:'..N..':'..part.
const luaFrontierKeys = `
local F = ARGV[1]
local function k_cycle(n, part) return F .. 'c:' .. n .. ':' .. part end
local function k_cycles() return F .. 'cycles' end
`

// Queue slot. queue() is the prefix Lua scripts extend; the functions
// below spell out the same names for Go-side reads.
func (k keys) queue() string               { return "{" + k.p + "q}:" }
func (k keys) item(id string) string       { return k.queue() + "item:" + id }
func (k keys) pending() string             { return k.queue() + "pending" }
func (k keys) pendingLang(l string) string { return k.queue() + "pending:" + l }
func (k keys) pendingInd(in string) string { return k.queue() + "pi:" + in }
func (k keys) pendingSrc(s string) string  { return k.queue() + "ps:" + s }
func (k keys) pendingCount() string        { return k.queue() + "pcount" }
func (k keys) pendingIndexed() string      { return k.queue() + "pindexed" }
func (k keys) open() string                { return k.queue() + "open" }
func (k keys) leases() string              { return k.queue() + "leases" }
func (k keys) snoozed() string             { return k.queue() + "snoozed" }
func (k keys) decided() string             { return k.queue() + "decided" }
func (k keys) byAge() string               { return k.queue() + "byage" }
func (k keys) depth() string               { return k.queue() + "depth" }
func (k keys) audit() string               { return k.queue() + "audit" }
func (k keys) auditOf(id string) string    { return k.queue() + "audit:" + id } // only for entries about ids without an item
func (k keys) decisions() string           { return k.queue() + "decisions" }

// Entity slot.
func (k keys) entities() string           { return "{" + k.p + "e}:" }
func (k keys) entityAds(ev string) string { return k.entities() + "ads:" + ev }
func (k keys) topEntities() string        { return k.entities() + "top" }

// luaQueueKeys is the Lua twin of the queue-slot functions above, for
// scripts that find item ids at run time. Q is the queue prefix
// (keys.queue()), passed as ARGV[1] to every queue script.
const luaQueueKeys = `
local Q = ARGV[1]
local function k_item(id) return Q .. 'item:' .. id end
local function k_pending() return Q .. 'pending' end
local function k_pending_lang(l) return Q .. 'pending:' .. l end
local function k_pending_ind(x) return Q .. 'pi:' .. x end
local function k_pending_src(x) return Q .. 'ps:' .. x end
local function k_pcount() return Q .. 'pcount' end
local function k_pindexed() return Q .. 'pindexed' end
local function k_tmp() return Q .. 'tmp' end -- a script's scratch set, deleted before it returns
local function k_open() return Q .. 'open' end
local function k_leases() return Q .. 'leases' end
local function k_snoozed() return Q .. 'snoozed' end
local function k_decided() return Q .. 'decided' end
local function k_byage() return Q .. 'byage' end
local function k_depth() return Q .. 'depth' end
local function k_audit() return Q .. 'audit' end
local function k_audit_of(id) return Q .. 'audit:' .. id end
local function k_decisions() return Q .. 'decisions' end
`

// luaEntityKeys is the Lua twin of the entity-slot functions; E is
// keys.entities(), passed as ARGV[1].
const luaEntityKeys = `
local E = ARGV[1]
local function k_entity_ads(ev) return E .. 'ads:' .. ev end
local function k_top() return E .. 'top' end
`
