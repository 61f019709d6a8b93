package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/recruitscan/recruitscan"
)

// EntityCount is an entity and how many ads carry it.
type EntityCount struct {
	Kind  recruitscan.EntityKind
	Value string
	Ads   int
}

// maxEntityValue bounds an entity value inside a key; longer values are
// replaced by their hash (they still match each other).
const maxEntityValue = 200

func entityKey(kind recruitscan.EntityKind, value string) string {
	if len(value) > maxEntityValue {
		h := sha256.Sum256([]byte(value))
		value = "sha256:" + hex.EncodeToString(h[:16])
	}
	return string(kind) + ":" + value
}

// entityCall links adID to each of its entities; false when there are none.
func (s *Store) entityCall(adID string, ents []recruitscan.Entity) (scriptCall, bool) {
	args := []any{s.k.entities(), adID}
	seen := map[string]bool{}
	for _, e := range ents {
		if e.Value == "" {
			continue
		}
		k := entityKey(e.Kind, e.Value)
		if !seen[k] {
			seen[k] = true
			args = append(args, k)
		}
	}
	if len(seen) == 0 {
		return scriptCall{}, false
	}
	return scriptCall{script: indexEntitiesScript, keys: []string{s.k.topEntities()}, args: args}, true
}

// AdsWithEntity returns up to n ids (sorted) of ads carrying the entity.
func (s *Store) AdsWithEntity(ctx context.Context, kind recruitscan.EntityKind, value string, n int) ([]string, error) {
	if n <= 0 {
		n = 100
	}
	key := s.k.entityAds(entityKey(kind, value))
	var ids []string
	var cursor uint64
	for {
		batch, next, err := s.c.SScan(ctx, key, cursor, "", 1000).Result()
		if err != nil {
			return nil, wrap("ads with entity", err)
		}
		ids = append(ids, batch...)
		cursor = next
		if cursor == 0 || len(ids) >= n {
			break
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return ids[:min(n, len(ids))], nil
}

// maxLinkScan bounds how many ads per entity LinkedAds reads.
const maxLinkScan = 1000

// LinkedAds returns up to n other ads sharing an entity of adID's latest
// verdict, those sharing the most first.
func (s *Store) LinkedAds(ctx context.Context, adID string, n int) ([]string, error) {
	op := "linked ads"
	if err := validID(op, adID); err != nil {
		return nil, err
	}
	if n <= 0 {
		n = 100
	}
	sa, err := s.Ad(ctx, adID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if len(sa.Verdict.Entities) == 0 {
		return nil, nil
	}
	pipe := s.c.Pipeline()
	cmds := make([]*redis.StringSliceCmd, len(sa.Verdict.Entities))
	for i, e := range sa.Verdict.Entities {
		cmds[i] = pipe.SRandMemberN(ctx, s.k.entityAds(entityKey(e.Kind, e.Value)), maxLinkScan)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, wrap(op, err)
	}
	shared := map[string]int{}
	for _, c := range cmds {
		for _, id := range c.Val() {
			if id != adID {
				shared[id]++
			}
		}
	}
	ids := make([]string, 0, len(shared))
	for id := range shared {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(cmp.Compare(shared[b], shared[a]), strings.Compare(a, b))
	})
	return ids[:min(n, len(ids))], nil
}

// TopEntities returns the n entities carried by the most ads.
func (s *Store) TopEntities(ctx context.Context, n int) ([]EntityCount, error) {
	if n <= 0 {
		n = 20
	}
	zs, err := s.c.ZRevRangeWithScores(ctx, s.k.topEntities(), 0, int64(n-1)).Result()
	if err != nil {
		return nil, wrap("top entities", err)
	}
	out := make([]EntityCount, 0, len(zs))
	for _, z := range zs {
		m, _ := z.Member.(string)
		kind, value, _ := strings.Cut(m, ":")
		out = append(out, EntityCount{Kind: recruitscan.EntityKind(kind), Value: value, Ads: int(z.Score)})
	}
	return out, nil
}
