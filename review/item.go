package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/store"
)

// itemView is everything the ad view shows: the ad (queued or not), its
// verdict with hits placed in the text, entities with their linked ads,
// evidence and history.
type itemView struct {
	Item     *recruitscan.ReviewItem
	Stored   store.StoredAd
	Title    []segment
	Body     []segment
	Unplaced []recruitscan.Hit
	Entities []entityView
	History  []recruitscan.AuditEntry
	Raw      rawView
}

type entityView struct {
	recruitscan.Entity
	Linked []adRef `json:"linked_ads"`
}

// rawView is the raw capture shown as inert text, with its checksum.
type rawView struct {
	Size      int    `json:"size"`
	SHA256    string `json:"sha256,omitempty"`
	Matches   bool   `json:"matches_evidence"`
	Text      string `json:"-"`
	Truncated bool   `json:"-"`
}

// maxRawShown bounds the raw capture printed in the page; the whole of it
// is at /items/{id}/raw (text) and in the evidence export (exact bytes).
const maxRawShown = 16 << 10

// loadItem gathers an itemView. withRaw also reads the raw capture (the
// page shows it; the JSON gives its size and checksum only).
func (s *Server) loadItem(ctx context.Context, id string, withRaw bool) (*itemView, error) {
	a, err := s.cfg.Store.Ad(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("ad %s: %w", id, err)
	}
	v := &itemView{Stored: a}
	it, err := s.cfg.Store.Item(ctx, id)
	switch {
	case err == nil:
		v.Item = &it
	case !errors.Is(err, recruitscan.ErrNotFound):
		return nil, fmt.Errorf("item %s: %w", id, err)
	}
	hits := append(append([]recruitscan.Hit(nil), a.Verdict.Hits...), a.Verdict.Mitigations...)
	var bad1, bad2 []recruitscan.Hit
	v.Title, bad1 = highlight(a.Ad.Title, recruitscan.FieldTitle, hits, a.Verdict.Entities)
	v.Body, bad2 = highlight(a.Ad.Body, recruitscan.FieldBody, hits, a.Verdict.Entities)
	v.Unplaced = append(bad1, bad2...)
	if v.Entities, err = s.entities(ctx, id, a.Verdict.Entities); err != nil {
		return nil, err
	}
	if v.History, err = s.cfg.Store.Audit(ctx, id, 100); err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	if err := s.loadRaw(ctx, v, withRaw); err != nil {
		return nil, err
	}
	return v, nil
}

// entities lists the ad's contact entities (money is not a link) once each,
// with the other ads that carry them.
func (s *Server) entities(ctx context.Context, id string, es []recruitscan.Entity) ([]entityView, error) {
	out := []entityView{}
	seen := map[string]bool{}
	for _, e := range es {
		k := string(e.Kind) + "\x00" + e.Value
		if seen[k] || e.Kind == recruitscan.EntityMoney {
			continue
		}
		seen[k] = true
		linked, err := s.adsWithEntity(ctx, e.Kind, e.Value, id)
		if err != nil {
			return nil, err
		}
		out = append(out, entityView{Entity: e, Linked: linked})
	}
	return out, nil
}

func (s *Server) loadRaw(ctx context.Context, v *itemView, withText bool) error {
	raw, err := s.cfg.Store.RawBody(ctx, v.Stored.Ad.ID)
	if err != nil && !errors.Is(err, recruitscan.ErrNotFound) {
		return fmt.Errorf("raw capture of %s: %w", v.Stored.Ad.ID, err)
	}
	if len(raw) == 0 {
		return nil
	}
	sum := sha256.Sum256(raw)
	v.Raw.Size, v.Raw.SHA256 = len(raw), hex.EncodeToString(sum[:])
	if ev := v.Stored.Ad.Evidence; ev != nil {
		v.Raw.Matches = strings.EqualFold(ev.BodySHA256, v.Raw.SHA256)
	}
	if withText {
		if len(raw) > maxRawShown {
			raw, v.Raw.Truncated = raw[:maxRawShown], true
		}
		v.Raw.Text = inertRaw(string(raw))
	}
	return nil
}

// inertRaw keeps line structure but labels bidi controls and drops other
// controls: the raw page is read as text, never rendered.
func inertRaw(s string) string { return inert(s) }

// itemJSON is GET /api/v1/items/{id}.
type itemJSON struct {
	Item      *recruitscan.ReviewItem  `json:"item"`
	Ad        recruitscan.Ad           `json:"ad"`
	Verdict   recruitscan.Verdict      `json:"verdict"`
	Version   int                      `json:"version"`
	Versions  []string                 `json:"versions,omitempty"`
	FirstSeen time.Time                `json:"first_seen,omitzero"`
	LastSeen  time.Time                `json:"last_seen,omitzero"`
	RemovedAt time.Time                `json:"removed_at,omitzero"`
	Evidence  *recruitscan.Evidence    `json:"evidence"`
	Raw       rawView                  `json:"raw"`
	Entities  []entityView             `json:"entities"`
	History   []recruitscan.AuditEntry `json:"history"`
	Unplaced  []recruitscan.Hit        `json:"unplaced_hits,omitempty"`
}

func (v *itemView) json() itemJSON {
	a := v.Stored
	out := itemJSON{
		Item: v.Item, Ad: a.Ad, Verdict: a.Verdict, Version: a.Version, Versions: a.Versions,
		FirstSeen: a.FirstSeen, LastSeen: a.LastSeen, RemovedAt: a.RemovedAt,
		Evidence: a.Ad.Evidence, Raw: v.Raw, Entities: v.Entities, History: v.History, Unplaced: v.Unplaced,
	}
	out.Ad.Evidence = nil
	if out.History == nil {
		out.History = []recruitscan.AuditEntry{}
	}
	return out
}
