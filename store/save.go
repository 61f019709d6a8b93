package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/recruitscan/recruitscan"
)

// Result is one classified ad for SaveResults.
type Result struct {
	MsgID   string // stream entry to acknowledge; "" for ads not from the stream
	Ad      recruitscan.Ad
	Verdict recruitscan.Verdict
}

// SaveResult stores the ad, its verdict and evidence, indexes its
// entities, enqueues it for review when v.Flagged, and only then
// acknowledges msgID (empty msgID: an ad that did not come through the
// stream). Every step is idempotent, so a redelivery after a crash at any
// point leaves exactly one version and at most one review item.
func (s *Store) SaveResult(ctx context.Context, msgID string, ad recruitscan.Ad, v recruitscan.Verdict) (SaveOutcome, error) {
	out, err := s.SaveResults(ctx, []Result{{MsgID: msgID, Ad: ad, Verdict: v}})
	if len(out) == 0 {
		return SaveOutcome{}, err
	}
	return out[0], err
}

// SaveResults is SaveResult for a batch, pipelined: three round trips
// whatever the batch size (store and index entities, enqueue, acknowledge). On error
// nothing after the failed stage is acknowledged, so the stream redelivers
// those entries and the idempotent stages repeat harmlessly.
func (s *Store) SaveResults(ctx context.Context, rs []Result) ([]SaveOutcome, error) {
	op := "save result"
	calls := make([]scriptCall, 0, len(rs))
	for _, r := range rs {
		if err := validID(op, r.Ad.ID); err != nil {
			return nil, err
		}
		c, err := s.saveAdCall(r)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", op, r.Ad.ID, err)
		}
		calls = append(calls, c)
	}
	for _, r := range rs {
		if c, ok := s.entityCall(r.Ad.ID, r.Verdict.Entities); ok {
			calls = append(calls, c)
		}
	}
	res, err := s.runScripts(ctx, calls)
	if err != nil {
		return nil, wrap(op, err)
	}
	out := make([]SaveOutcome, len(rs))
	for i, c := range res[:len(rs)] {
		v, _ := c.Slice()
		kind, _ := v[0].(string)
		ver, _ := v[1].(int64)
		out[i] = SaveOutcome{New: kind == "new", Changed: kind == "changed", Version: int(ver)}
	}
	if err := s.enqueueAll(ctx, rs, out); err != nil {
		return out, wrap(op, err)
	}
	return out, wrap(op, s.ackAll(ctx, rs))
}

// storedBlob is the ad hash's d field (compressed JSON).
type storedBlob struct {
	Ad      recruitscan.Ad      `json:"ad"`
	Verdict recruitscan.Verdict `json:"v"`
}

// hashOf is the verdict's content hash, or the ad's when the verdict has none.
func hashOf(r Result) string {
	if r.Verdict.ContentHash != "" {
		return r.Verdict.ContentHash
	}
	return r.Ad.ContentHash()
}

func (s *Store) saveAdCall(r Result) (scriptCall, error) {
	blob, err := json.Marshal(storedBlob{Ad: r.Ad, Verdict: r.Verdict})
	if err != nil {
		return scriptCall{}, err
	}
	raw := []byte{}
	if r.Ad.Evidence != nil && len(r.Ad.Evidence.RawBody) > 0 {
		raw = pack(r.Ad.Evidence.RawBody)
	}
	var ttl int64
	if !r.Verdict.Flagged && s.cfg.RetainUnflagged > 0 {
		ttl = s.cfg.RetainUnflagged.Milliseconds()
	}
	id := r.Ad.ID
	c := scriptCall{
		script: saveAdScript,
		keys:   []string{s.k.ad(id), s.k.adData(id), s.k.adRaw(id)},
		args:   []any{hashOf(r), ms(s.now()), pack(blob), raw, ttl},
	}
	if r.Ad.URL != "" { // an expired ad's entry stays: AdByURL then says ErrNotFound
		key, field := s.k.url(r.Ad.URL)
		c.after = func(p redis.Pipeliner) { p.HSet(context.Background(), key, field, id) }
	}
	return c, nil
}

// enqueueAll runs the review-queue stage of a batch.
func (s *Store) enqueueAll(ctx context.Context, rs []Result, out []SaveOutcome) error {
	var calls []scriptCall
	var idx []int
	for i, r := range rs {
		if r.Verdict.Flagged {
			idx = append(idx, i)
			calls = append(calls, s.enqueueCall(r, out[i].Version))
		}
	}
	res, err := s.runScripts(ctx, calls)
	if err != nil {
		return err
	}
	for j, i := range idx {
		out[i].Queued = res[j].Val() != "same"
	}
	return nil
}

// enqueueCall adds or updates the ad's review item; the script answers
// new | same | updated | reopened.
func (s *Store) enqueueCall(r Result, ver int) scriptCall {
	v := r.Verdict
	inds := make([]string, len(v.Indicators))
	for i, in := range v.Indicators {
		inds[i] = string(in)
	}
	score := v.Score
	if math.IsNaN(score) || math.IsInf(score, 0) {
		score = 0
	}
	return scriptCall{
		script: enqueueScript,
		keys:   []string{s.k.item(r.Ad.ID)},
		args: []any{s.k.queue(), ms(s.now()), r.Ad.ID, hashOf(r), ver, r.Ad.SourceID, r.Ad.URL,
			truncate(r.Ad.Title, maxTitle), langKey(v.Lang), int(v.Level),
			strconv.FormatFloat(score, 'f', -1, 64), strings.Join(inds, ","), "system"},
	}
}

func (s *Store) ackAll(ctx context.Context, rs []Result) error {
	var calls []scriptCall
	for _, r := range rs {
		if r.MsgID != "" {
			calls = append(calls, scriptCall{
				script: ackScript,
				keys:   []string{s.k.adStream(), s.k.failCounts()},
				args:   []any{group, r.MsgID},
			})
		}
	}
	_, err := s.runScripts(ctx, calls)
	return err
}

// scriptCall is one script invocation in a pipelined stage, with an
// optional extra command queued after it.
type scriptCall struct {
	script *redis.Script
	keys   []string
	args   []any
	after  func(redis.Pipeliner)
}

// runScripts runs calls in one pipeline. When a server lacks a script
// (NOSCRIPT: first use, restart, failover, new shard) the scripts are
// loaded and the calls that failed so run once more; the others are not
// repeated. The first failing call's error is returned.
func (s *Store) runScripts(ctx context.Context, calls []scriptCall) ([]*redis.Cmd, error) {
	cmds := s.pipeScripts(ctx, calls)
	var again []int
	for i, c := range cmds {
		if redis.HasErrorPrefix(c.Err(), "NOSCRIPT") {
			again = append(again, i)
		}
	}
	if len(again) > 0 {
		retry := make([]scriptCall, len(again))
		for j, i := range again {
			retry[j] = calls[i]
		}
		if err := s.loadScripts(ctx, retry); err != nil {
			return cmds, err
		}
		for j, c := range s.pipeScripts(ctx, retry) {
			cmds[again[j]] = c
		}
	}
	return cmds, firstErr(cmds)
}

func (s *Store) pipeScripts(ctx context.Context, calls []scriptCall) []*redis.Cmd {
	if len(calls) == 0 {
		return nil
	}
	pipe := s.c.Pipeline()
	cmds := make([]*redis.Cmd, len(calls))
	for i, c := range calls {
		cmds[i] = c.script.EvalSha(ctx, pipe, c.keys, c.args...)
		if c.after != nil {
			c.after(pipe)
		}
	}
	_, _ = pipe.Exec(ctx) // errors are read per command
	return cmds
}

func firstErr(cmds []*redis.Cmd) error {
	for _, c := range cmds {
		if err := c.Err(); err != nil {
			return err
		}
	}
	return nil
}

// loadScripts loads the distinct scripts of calls (on every master of a
// cluster).
func (s *Store) loadScripts(ctx context.Context, calls []scriptCall) error {
	seen := map[*redis.Script]bool{}
	for _, c := range calls {
		if !seen[c.script] {
			seen[c.script] = true
			if err := c.script.Load(ctx, s.c).Err(); err != nil {
				return err
			}
		}
	}
	return nil
}
