package review

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/recruitscan/recruitscan"
)

// finalDecisions returns, per item, the last decision made in [from, to)
// that closed it (needs-second-look does not count), in time order.
func (s *Server) finalDecisions(ctx context.Context, from, to time.Time) ([]recruitscan.AuditEntry, error) {
	es, err := s.cfg.Store.Decisions(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	last := map[string]int{}
	var out []recruitscan.AuditEntry
	for _, e := range es {
		d, ok := decisionOf(e)
		if !ok || d == recruitscan.DecisionSecondLook {
			continue
		}
		if i, seen := last[e.ItemID]; seen {
			out[i] = e
			continue
		}
		last[e.ItemID] = len(out)
		out = append(out, e)
	}
	return out, nil
}

// decisionOf reads the decision a "decide" audit entry records: the store
// writes After as "decided:confirm" or "pending:needs-second-look".
func decisionOf(e recruitscan.AuditEntry) (recruitscan.Decision, bool) {
	if e.Action != "decide" {
		return "", false
	}
	after := e.After
	if i := strings.LastIndexByte(after, ':'); i >= 0 {
		after = after[i+1:]
	}
	d, err := recruitscan.ParseDecision(after)
	return d, err == nil
}

// positive: confirmed or escalated counts as the flag being right.
func positive(d recruitscan.Decision) bool {
	return d == recruitscan.DecisionConfirm || d == recruitscan.DecisionEscalate
}

// ReviewerStats counts one reviewer's decisions.
type ReviewerStats struct {
	Reviewer  string                       `json:"reviewer"`
	Decisions map[recruitscan.Decision]int `json:"decisions"`
	Total     int                          `json:"total"`
}

// N is the count of decision d (for templates).
func (r ReviewerStats) N(d string) int { return r.Decisions[recruitscan.Decision(d)] }

func (s *Server) reviewerStats(ctx context.Context, from, to time.Time) ([]ReviewerStats, error) {
	es, err := s.cfg.Store.Decisions(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	by := map[string]*ReviewerStats{}
	for _, e := range es {
		d, ok := decisionOf(e)
		if !ok {
			continue
		}
		rs := by[e.Actor]
		if rs == nil {
			rs = &ReviewerStats{Reviewer: e.Actor, Decisions: map[recruitscan.Decision]int{}}
			by[e.Actor] = rs
		}
		rs.Decisions[d]++
		rs.Total++
	}
	out := []ReviewerStats{}
	for _, rs := range by {
		out = append(out, *rs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Reviewer < out[j].Reviewer })
	return out, nil
}

// RuleStats is a rule's precision in one language ("" = all languages):
// Confirmed ÷ Decided, where confirmed includes escalated. Shadow rules'
// would-be hits are counted the same way, marked Shadow.
type RuleStats struct {
	Rule      string  `json:"rule"`
	Lang      string  `json:"lang"`
	Shadow    bool    `json:"shadow,omitempty"`
	Decided   int     `json:"decided"`
	Confirmed int     `json:"confirmed"`
	Precision float64 `json:"precision"`
}

// maxPrecisionItems bounds the ads read to compute precision.
const maxPrecisionItems = 5000

func (s *Server) ruleStats(ctx context.Context, from, to time.Time) ([]RuleStats, error) {
	es, err := s.finalDecisions(ctx, from, to)
	if err != nil {
		return nil, err
	}
	if len(es) > maxPrecisionItems {
		es = es[len(es)-maxPrecisionItems:]
	}
	acc := map[[3]string]*RuleStats{}
	add := func(rule, lang string, shadow, pos bool) {
		k := [3]string{rule, lang, fmt.Sprint(shadow)}
		rs := acc[k]
		if rs == nil {
			rs = &RuleStats{Rule: rule, Lang: lang, Shadow: shadow}
			acc[k] = rs
		}
		rs.Decided++
		if pos {
			rs.Confirmed++
		}
	}
	verdicts, err := s.verdicts(ctx, es)
	if err != nil {
		return nil, err
	}
	for i, e := range es {
		v := verdicts[i]
		if v == nil {
			continue // the ad's data expired (dismissed ads may be retained briefly)
		}
		d, _ := decisionOf(e)
		for shadow, hits := range map[bool][]recruitscan.Hit{false: v.Hits, true: v.Shadow} {
			for _, rule := range ruleIDs(hits) {
				add(rule, "", shadow, positive(d))
				add(rule, v.Lang, shadow, positive(d))
			}
		}
	}
	return sortRuleStats(acc), nil
}

// verdictWorkers bounds the concurrent ad reads of verdicts.
const verdictWorkers = 8

// verdicts reads the verdict of each entry's ad, a few at a time; an ad
// that no longer exists gives nil.
func (s *Server) verdicts(ctx context.Context, es []recruitscan.AuditEntry) ([]*recruitscan.Verdict, error) {
	out := make([]*recruitscan.Verdict, len(es))
	errs := make([]error, len(es))
	sem := make(chan struct{}, verdictWorkers)
	var wg sync.WaitGroup
	for i, e := range es {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			a, err := s.cfg.Store.Ad(ctx, e.ItemID)
			switch {
			case err == nil:
				out[i] = &a.Verdict
			case !errors.Is(err, recruitscan.ErrNotFound):
				errs[i] = fmt.Errorf("ad %s: %w", e.ItemID, err)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err // the first is enough: Redis is down or the like
		}
	}
	return out, nil
}

func ruleIDs(hits []recruitscan.Hit) []string {
	var out []string
	for _, h := range hits {
		if !containsString(out, h.Rule) {
			out = append(out, h.Rule)
		}
	}
	return out
}

func sortRuleStats(acc map[[3]string]*RuleStats) []RuleStats {
	out := []RuleStats{}
	for _, rs := range acc {
		rs.Precision = float64(rs.Confirmed) / float64(rs.Decided)
		out = append(out, *rs)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Shadow != b.Shadow {
			return !a.Shadow
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Lang < b.Lang
	})
	return out
}

func (s *Server) apiReviewerStats(w http.ResponseWriter, r *http.Request, p *principal) {
	from, to, err := s.timeRange(r.URL.Query())
	if err == nil {
		var st []ReviewerStats
		if st, err = s.reviewerStats(r.Context(), from, to); err == nil {
			writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "reviewers": st})
			return
		}
	}
	s.fail(w, r, true, err)
}

func (s *Server) apiRuleStats(w http.ResponseWriter, r *http.Request, p *principal) {
	from, to, err := s.timeRange(r.URL.Query())
	if err == nil {
		var st []RuleStats
		if st, err = s.ruleStats(r.Context(), from, to); err == nil {
			writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "rules": st})
			return
		}
	}
	s.fail(w, r, true, err)
}

// sourceRow is a configured source with its crawl health, if known.
type sourceRow struct {
	recruitscan.Source
	Status *SourceStatus `json:"status,omitempty"`
}

func (s *Server) sources(ctx context.Context) ([]sourceRow, error) {
	byID := map[string]SourceStatus{}
	if s.cfg.SourceStatus != nil {
		st, err := s.cfg.SourceStatus(ctx)
		if err != nil {
			return nil, fmt.Errorf("source status: %w", err)
		}
		for _, x := range st {
			byID[x.ID] = x
		}
	}
	out := []sourceRow{}
	for _, src := range s.cfg.Sources {
		row := sourceRow{Source: src}
		row.Headers, row.SecretEnv = nil, "" // never shown: may hold credentials
		if st, ok := byID[src.ID]; ok {
			row.Status = &st
		}
		out = append(out, row)
	}
	return out, nil
}

func (s *Server) apiSources(w http.ResponseWriter, r *http.Request, p *principal) {
	rows, err := s.sources(r.Context())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sources": rows})
}

func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request, p *principal) {
	ts, err := s.tokens.list(r.Context())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": ts})
}

func (s *Server) createToken(ctx context.Context, p *principal, name string, role recruitscan.Role) (TokenInfo, string, error) {
	t, secret, err := s.tokens.create(ctx, name, role, p.Name, s.cfg.Clock.Now())
	if err != nil {
		return t, "", err
	}
	s.audit(ctx, p, "token_create", "", fmt.Sprintf("token %s (%s, role %s)", t.ID, t.Name, t.Role))
	return t, secret, nil
}

func (s *Server) revokeToken(ctx context.Context, p *principal, id string) error {
	t, err := s.tokens.revoke(ctx, id)
	if err != nil {
		return err
	}
	s.audit(ctx, p, "token_revoke", "", fmt.Sprintf("token %s (%s, role %s)", t.ID, t.Name, t.Role))
	return nil
}

func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request, p *principal) {
	var req struct {
		Name string           `json:"name"`
		Role recruitscan.Role `json:"role"`
	}
	if err := readJSON(r, &req); err != nil {
		s.fail(w, r, true, err)
		return
	}
	t, secret, err := s.createToken(r.Context(), p, req.Name, req.Role)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": t, "secret": secret})
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request, p *principal) {
	if err := s.revokeToken(r.Context(), p, r.PathValue("id")); err != nil {
		s.fail(w, r, true, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
