package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/recruitscan/recruitscan"
)

// AppendAudit appends an entry for an action outside the queue (admin,
// login, export). At defaults to now; Actor and Action are required.
func (s *Store) AppendAudit(ctx context.Context, e recruitscan.AuditEntry) error {
	op := "append audit"
	if e.Actor == "" || e.Action == "" {
		return fmt.Errorf("%s: actor and action: %w: required", op, recruitscan.ErrInvalid)
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	err := auditScript.Run(ctx, s.c, []string{s.k.audit()}, s.k.queue(), ms(e.At), e.Actor, e.Action,
		e.ItemID, e.Before, e.After, e.Note).Err()
	return wrap(op, err)
}

// Audit returns the item's last n audit entries, oldest first.
func (s *Store) Audit(ctx context.Context, itemID string, n int) ([]recruitscan.AuditEntry, error) {
	op := "audit"
	if err := validID(op, itemID); err != nil {
		return nil, err
	}
	if n <= 0 {
		n = 100
	}
	pipe := s.c.Pipeline()
	aud := pipe.HGet(ctx, s.k.item(itemID), "aud")
	other := pipe.LRange(ctx, s.k.auditOf(itemID), 0, -1)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, wrap(op+" "+itemID, err)
	}
	ids := append(strings.Fields(aud.Val()), other.Val()...)
	slices.SortFunc(ids, compareStreamIDs)
	return s.auditByID(ctx, op, ids[max(len(ids)-n, 0):])
}

// Decisions returns the decisions made in [from, to), oldest first.
func (s *Store) Decisions(ctx context.Context, from, to time.Time) ([]recruitscan.AuditEntry, error) {
	ids, err := s.c.ZRangeByScore(ctx, s.k.decisions(), &redis.ZRangeBy{
		Min: fmt.Sprint(ms(from)), Max: fmt.Sprintf("(%d", ms(to)),
	}).Result()
	if err != nil {
		return nil, wrap("decisions", err)
	}
	return s.auditByID(ctx, "decisions", ids)
}

// auditByID reads audit entries by stream id, a pipeline per chunk.
func (s *Store) auditByID(ctx context.Context, op string, ids []string) ([]recruitscan.AuditEntry, error) {
	out := make([]recruitscan.AuditEntry, 0, len(ids))
	for start := 0; start < len(ids); start += pipeChunk {
		chunk := ids[start:min(start+pipeChunk, len(ids))]
		pipe := s.c.Pipeline()
		cmds := make([]*redis.XMessageSliceCmd, len(chunk))
		for i, id := range chunk {
			cmds[i] = pipe.XRange(ctx, s.k.audit(), id, id)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return nil, wrap(op, err)
		}
		for _, c := range cmds {
			for _, m := range c.Val() {
				out = append(out, parseAudit(m))
			}
		}
	}
	return out, nil
}

// compareStreamIDs orders stream ids ("ms-seq") numerically.
func compareStreamIDs(a, b string) int {
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	n := func(s string) uint64 { v, _ := strconv.ParseUint(s, 10, 64); return v }
	return cmp.Or(cmp.Compare(n(am), n(bm)), cmp.Compare(n(as), n(bs)))
}

func parseAudit(m redis.XMessage) recruitscan.AuditEntry {
	str := func(k string) string { v, _ := m.Values[k].(string); return v }
	return recruitscan.AuditEntry{
		ID: m.ID, At: fromMS(int64(atoi(m.Values["at"]))), Actor: str("actor"), Action: str("action"),
		ItemID: str("item"), Before: str("before"), After: str("after"), Note: str("note"),
	}
}

// exportBatch is how many audit entries ExportAudit reads per round trip.
const exportBatch = 1000

// ExportAudit writes the audit entries with At in [from, to) as JSON
// lines, in log order. A zero from or to leaves that end open.
func (s *Store) ExportAudit(ctx context.Context, w io.Writer, from, to time.Time) error {
	enc := json.NewEncoder(w)
	start := "-"
	for {
		msgs, err := s.c.XRangeN(ctx, s.k.audit(), start, "+", exportBatch).Result()
		if err != nil {
			return wrap("export audit", err)
		}
		for _, m := range msgs {
			e := parseAudit(m)
			if !from.IsZero() && e.At.Before(from) || !to.IsZero() && !e.At.Before(to) {
				continue
			}
			if err := enc.Encode(e); err != nil {
				return fmt.Errorf("export audit: %w", err)
			}
		}
		if len(msgs) < exportBatch {
			return nil
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
}
