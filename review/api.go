package review

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/store"
)

// parseFilter reads queue filters from a query string; bad values are
// ErrInvalid naming the parameter.
func parseFilter(q url.Values) (store.QueueFilter, error) {
	f := store.QueueFilter{
		Indicator: recruitscan.Indicator(q.Get("indicator")),
		Lang:      q.Get("lang"),
		SourceID:  q.Get("source"),
		Status:    recruitscan.ItemStatus(q.Get("status")),
		Limit:     50,
	}
	if v := q.Get("level"); v != "" {
		l, err := recruitscan.ParseLevel(v)
		if err != nil {
			return f, fmt.Errorf("query parameter level: %w", err)
		}
		f.Level = &l
	}
	if f.Indicator != "" && !f.Indicator.Valid() {
		return f, fmt.Errorf("query parameter indicator %q: %w", f.Indicator, recruitscan.ErrInvalid)
	}
	switch f.Status {
	case "", recruitscan.StatusPending, recruitscan.StatusClaimed, recruitscan.StatusSnoozed, recruitscan.StatusDecided:
	default:
		return f, fmt.Errorf("query parameter status %q: %w (want pending, claimed, snoozed or decided)", f.Status, recruitscan.ErrInvalid)
	}
	var err error
	if v := q.Get("min_age"); v != "" {
		if f.MinAge, err = time.ParseDuration(v); err != nil || f.MinAge < 0 {
			return f, fmt.Errorf("query parameter min_age %q: %w (want a duration such as 2h)", v, recruitscan.ErrInvalid)
		}
	}
	if f.Limit, err = intParam(q, "limit", 50, 1, 500); err != nil {
		return f, err
	}
	if f.Offset, err = intParam(q, "offset", 0, 0, 1<<30); err != nil {
		return f, err
	}
	return f, nil
}

func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("query parameter %s %q: %w (want %d..%d)", name, v, recruitscan.ErrInvalid, lo, hi)
	}
	return n, nil
}

// timeRange reads from and to (RFC 3339 or 2006-01-02); the default is the
// last 30 days up to and including now.
func (s *Server) timeRange(q url.Values) (time.Time, time.Time, error) {
	now := s.cfg.Clock.Now()
	from, to := now.AddDate(0, 0, -30), now.Add(time.Second)
	parse := func(name string, into *time.Time) error {
		v := q.Get(name)
		if v == "" {
			return nil
		}
		for _, layout := range []string{time.RFC3339, "2006-01-02"} {
			if t, err := time.Parse(layout, v); err == nil {
				*into = t
				return nil
			}
		}
		return fmt.Errorf("query parameter %s %q: %w (want RFC 3339 or YYYY-MM-DD)", name, v, recruitscan.ErrInvalid)
	}
	if err := parse("from", &from); err != nil {
		return from, to, err
	}
	if err := parse("to", &to); err != nil {
		return from, to, err
	}
	if !from.Before(to) {
		return from, to, fmt.Errorf("query parameters from/to: %w: from must be before to", recruitscan.ErrInvalid)
	}
	return from, to, nil
}

type queueResponse struct {
	Items  []recruitscan.ReviewItem `json:"items"`
	Total  int                      `json:"total"`
	Limit  int                      `json:"limit"`
	Offset int                      `json:"offset"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, p *principal) {
	writeJSON(w, http.StatusOK, map[string]any{"name": p.Name, "role": p.Role, "languages": p.Languages, "token": p.ViaToken})
}

func (s *Server) apiQueue(w http.ResponseWriter, r *http.Request, p *principal) {
	f, err := parseFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	items, total, err := s.cfg.Store.Queue(r.Context(), f)
	if err != nil {
		s.fail(w, r, true, fmt.Errorf("queue: %w", err))
		return
	}
	if items == nil {
		items = []recruitscan.ReviewItem{}
	}
	writeJSON(w, http.StatusOK, queueResponse{Items: items, Total: total, Limit: f.Limit, Offset: f.Offset})
}

// statsJSON is QueueStats with string keys, as JSON objects need.
type statsJSON struct {
	Depth         map[string]map[string]int `json:"depth"`
	Total         int                       `json:"total"`
	OldestPending time.Time                 `json:"oldest_pending,omitzero"`
}

func toStatsJSON(st recruitscan.QueueStats) statsJSON {
	out := statsJSON{Depth: map[string]map[string]int{}, OldestPending: st.OldestPending}
	for l, m := range st.Depth {
		out.Depth[l.String()] = m
		for _, n := range m {
			out.Total += n
		}
	}
	return out
}

func (s *Server) apiQueueStats(w http.ResponseWriter, r *http.Request, p *principal) {
	st, err := s.cfg.Store.QueueStats(r.Context())
	if err != nil {
		s.fail(w, r, true, fmt.Errorf("queue stats: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, toStatsJSON(st))
}

// claim leases the next item to p. The store records the claim metric.
func (s *Server) claim(ctx context.Context, p *principal) (recruitscan.ReviewItem, error) {
	it, err := s.cfg.Store.ClaimNext(ctx, p.actor())
	if err != nil {
		return it, fmt.Errorf("claim next: %w", err)
	}
	return it, nil
}

func (s *Server) apiClaim(w http.ResponseWriter, r *http.Request, p *principal) {
	it, err := s.claim(r.Context(), p)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, it)
}

func (s *Server) apiItem(w http.ResponseWriter, r *http.Request, p *principal) {
	v, err := s.loadItem(r.Context(), r.PathValue("id"), false)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, v.json())
}

func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request, p *principal) {
	h, err := s.cfg.Store.Audit(r.Context(), r.PathValue("id"), 200)
	if err != nil {
		s.fail(w, r, true, fmt.Errorf("history: %w", err))
		return
	}
	if h == nil {
		h = []recruitscan.AuditEntry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": h})
}

type decisionRequest struct {
	Decision string `json:"decision"`
	Note     string `json:"note"`
}

// maxNote bounds reviewer notes.
const maxNote = 4000

// decide validates and records a decision; the store audits it and
// records the decision metric.
func (s *Server) decide(ctx context.Context, p *principal, id, decision, note string) (recruitscan.ReviewItem, error) {
	d, err := recruitscan.ParseDecision(decision)
	if err != nil {
		return recruitscan.ReviewItem{}, fmt.Errorf("field decision: %w", err)
	}
	if len(note) > maxNote {
		return recruitscan.ReviewItem{}, fmt.Errorf("field note: %w: longer than %d bytes", recruitscan.ErrInvalid, maxNote)
	}
	it, err := s.cfg.Store.Decide(ctx, id, p.actor(), d, note)
	if err != nil {
		return it, fmt.Errorf("decide %s: %w", id, err)
	}
	return it, nil
}

func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request, p *principal) {
	var req decisionRequest
	if err := readJSON(r, &req); err != nil {
		s.fail(w, r, true, err)
		return
	}
	it, err := s.decide(r.Context(), p, r.PathValue("id"), req.Decision, req.Note)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, it)
}

func (s *Server) addNote(ctx context.Context, p *principal, id, note string) error {
	note = strings.TrimSpace(note)
	if note == "" || len(note) > maxNote {
		return fmt.Errorf("field note: %w: want 1..%d bytes", recruitscan.ErrInvalid, maxNote)
	}
	if err := s.cfg.Store.AddNote(ctx, id, p.actor(), note); err != nil {
		return fmt.Errorf("note on %s: %w", id, err)
	}
	return nil
}

func (s *Server) apiNote(w http.ResponseWriter, r *http.Request, p *principal) {
	var req struct {
		Note string `json:"note"`
	}
	if err := readJSON(r, &req); err != nil {
		s.fail(w, r, true, err)
		return
	}
	if err := s.addNote(r.Context(), p, r.PathValue("id"), req.Note); err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// heartbeatResponse gives the lease's end and, for clients whose clock
// differs from the server's, the seconds left.
type heartbeatResponse struct {
	LeaseUntil   time.Time `json:"lease_until"`
	LeaseSeconds int64     `json:"lease_seconds"`
}

func (s *Server) apiHeartbeat(w http.ResponseWriter, r *http.Request, p *principal) {
	until, err := s.cfg.Store.Heartbeat(r.Context(), r.PathValue("id"), p.actor())
	if err != nil {
		s.fail(w, r, true, fmt.Errorf("heartbeat: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, heartbeatResponse{LeaseUntil: until, LeaseSeconds: max(0, int64(until.Sub(s.cfg.Clock.Now())/time.Second))})
}

// reassign gives the item to user to, or back to the queue when to is
// empty; the store audits it.
func (s *Server) reassign(ctx context.Context, p *principal, id, to string) error {
	if u, ok := s.users[to]; to != "" && (!ok || u.Disabled) {
		return fmt.Errorf("field to %q: %w: no such active user", to, recruitscan.ErrInvalid)
	}
	if err := s.cfg.Store.Reassign(ctx, id, p.actor(), to); err != nil {
		return fmt.Errorf("reassign %s: %w", id, err)
	}
	return nil
}

func (s *Server) apiReassign(w http.ResponseWriter, r *http.Request, p *principal) {
	var req struct {
		To string `json:"to"`
	}
	if err := readJSON(r, &req); err != nil {
		s.fail(w, r, true, err)
		return
	}
	if err := s.reassign(r.Context(), p, r.PathValue("id"), req.To); err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// adRef is a short reference to an ad, for entity links.
type adRef struct {
	ID       string            `json:"id"`
	Title    string            `json:"title"`
	SourceID string            `json:"source_id,omitempty"`
	Lang     string            `json:"lang,omitempty"`
	Level    recruitscan.Level `json:"level"`
}

// maxLinked bounds the ads listed per entity.
const maxLinked = 20

// adsWithEntity returns refs to the ads carrying an entity, except skip.
func (s *Server) adsWithEntity(ctx context.Context, kind recruitscan.EntityKind, value, skip string) ([]adRef, error) {
	ids, err := s.cfg.Store.AdsWithEntity(ctx, kind, value, maxLinked+1)
	if err != nil {
		return nil, fmt.Errorf("ads with %s %q: %w", kind, value, err)
	}
	out := []adRef{}
	for _, id := range ids {
		if id == skip || len(out) == maxLinked {
			continue
		}
		a, err := s.cfg.Store.Ad(ctx, id)
		if errors.Is(err, recruitscan.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("ad %s: %w", id, err)
		}
		out = append(out, adRef{ID: id, Title: a.Ad.Title, SourceID: a.Ad.SourceID, Lang: a.Verdict.Lang, Level: a.Verdict.Level})
	}
	return out, nil
}

func entityQuery(q url.Values) (recruitscan.EntityKind, string, error) {
	kind, value := recruitscan.EntityKind(q.Get("kind")), q.Get("value")
	if kind == "" || value == "" {
		return kind, value, fmt.Errorf("query parameters kind and value: %w: both required", recruitscan.ErrInvalid)
	}
	return kind, value, nil
}

func (s *Server) apiEntities(w http.ResponseWriter, r *http.Request, p *principal) {
	kind, value, err := entityQuery(r.URL.Query())
	if err == nil {
		var ads []adRef
		if ads, err = s.adsWithEntity(r.Context(), kind, value, ""); err == nil {
			writeJSON(w, http.StatusOK, map[string]any{"kind": kind, "value": value, "ads": ads})
			return
		}
	}
	s.fail(w, r, true, err)
}

func (s *Server) apiAdByURL(w http.ResponseWriter, r *http.Request, p *principal) {
	u := r.URL.Query().Get("url")
	if u == "" {
		s.fail(w, r, true, fmt.Errorf("query parameter url: %w: required", recruitscan.ErrInvalid))
		return
	}
	a, err := s.cfg.Store.AdByURL(r.Context(), u)
	if err != nil {
		s.fail(w, r, true, fmt.Errorf("ad by url: %w", err))
		return
	}
	v, err := s.loadItem(r.Context(), a.Ad.ID, false)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, v.json())
}

func (s *Server) apiClaims(w http.ResponseWriter, r *http.Request, p *principal) {
	items, err := s.cfg.Store.Claims(r.Context())
	if err != nil {
		s.fail(w, r, true, fmt.Errorf("claims: %w", err))
		return
	}
	if items == nil {
		items = []recruitscan.ReviewItem{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}
