package review

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/recruitscan/recruitscan"
)

type queueData struct {
	Items   []recruitscan.ReviewItem
	Total   int
	Stats   statsJSON
	Filter  url.Values
	Prev    string
	Next    string
	Message string
}

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, p *principal) {
	q := r.URL.Query()
	f, err := parseFilter(q)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	items, total, err := s.cfg.Store.Queue(r.Context(), f)
	if err != nil {
		s.fail(w, r, false, fmt.Errorf("queue: %w", err))
		return
	}
	st, err := s.cfg.Store.QueueStats(r.Context())
	if err != nil {
		s.fail(w, r, false, fmt.Errorf("queue stats: %w", err))
		return
	}
	d := queueData{Items: items, Total: total, Stats: toStatsJSON(st), Filter: q}
	switch q.Get("msg") {
	case "empty":
		d.Message = "Nothing left to claim: the queue is empty."
	case "decided":
		d.Message = "Decision saved."
	}
	d.Prev, d.Next = pageLinks(q, f.Offset, f.Limit, total)
	s.render(w, r, http.StatusOK, "queue", "Review queue", p, d)
}

// pageLinks returns the query strings of the previous and next pages.
func pageLinks(q url.Values, offset, limit, total int) (string, string) {
	link := func(off int) string {
		c := url.Values{}
		for k, v := range q {
			c[k] = v
		}
		c.Del("msg")
		c.Set("offset", strconv.Itoa(off))
		return "?" + c.Encode()
	}
	var prev, next string
	if offset > 0 {
		prev = link(max(0, offset-limit))
	}
	if offset+limit < total {
		next = link(offset + limit)
	}
	return prev, next
}

func (s *Server) claimPage(w http.ResponseWriter, r *http.Request, p *principal) {
	it, err := s.claim(r.Context(), p)
	if errors.Is(err, recruitscan.ErrQueueEmpty) {
		http.Redirect(w, r, "/queue?msg=empty", http.StatusSeeOther)
		return
	}
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	http.Redirect(w, r, "/items/"+url.PathEscape(it.ID), http.StatusSeeOther)
}

type itemData struct {
	*itemView
	CanDecide bool
	Mine      bool
	// LeaseSeconds is the lease left by the server's clock, so the
	// countdown does not depend on the reviewer's clock.
	LeaseSeconds int64
	// HeartbeatSeconds is how often the page extends the lease: a quarter
	// of the lease left, between 5 s and 60 s.
	HeartbeatSeconds int64
	Users            []string
	Decisions        []recruitscan.Decision
}

func (s *Server) itemPage(w http.ResponseWriter, r *http.Request, p *principal) {
	v, err := s.loadItem(r.Context(), r.PathValue("id"), true)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	d := itemData{itemView: v, Decisions: []recruitscan.Decision{
		recruitscan.DecisionConfirm, recruitscan.DecisionDismiss, recruitscan.DecisionEscalate, recruitscan.DecisionSecondLook}}
	if it := v.Item; it != nil && it.Status != recruitscan.StatusDecided {
		d.Mine = it.Status == recruitscan.StatusClaimed && it.ClaimedBy == p.Name
		d.CanDecide = d.Mine || p.can(lead)
		d.LeaseSeconds = max(0, int64(it.LeaseUntil.Sub(s.cfg.Clock.Now())/time.Second))
		d.HeartbeatSeconds = min(60, max(5, d.LeaseSeconds/4))
	} else if it != nil && it.Decision == recruitscan.DecisionEscalate {
		d.CanDecide = p.can(lead) // a lead closes an escalated item
	}
	if p.can(lead) {
		for n, u := range s.users {
			if !u.Disabled {
				d.Users = append(d.Users, n)
			}
		}
		sort.Strings(d.Users)
	}
	s.render(w, r, http.StatusOK, "item", "Ad "+v.Stored.Ad.ID, p, d)
}

func (s *Server) decidePage(w http.ResponseWriter, r *http.Request, p *principal) {
	id := r.PathValue("id")
	if _, err := s.decide(r.Context(), p, id, r.PostFormValue("decision"), r.PostFormValue("note")); err != nil {
		s.fail(w, r, false, err)
		return
	}
	if r.PostFormValue("then") == "next" {
		s.claimPage(w, r, p)
		return
	}
	http.Redirect(w, r, "/queue?msg=decided", http.StatusSeeOther)
}

func (s *Server) notePage(w http.ResponseWriter, r *http.Request, p *principal) {
	id := r.PathValue("id")
	if err := s.addNote(r.Context(), p, id, r.PostFormValue("note")); err != nil {
		s.fail(w, r, false, err)
		return
	}
	http.Redirect(w, r, "/items/"+url.PathEscape(id)+"#history", http.StatusSeeOther)
}

func (s *Server) reassignPage(w http.ResponseWriter, r *http.Request, p *principal) {
	id := r.PathValue("id")
	if err := s.reassign(r.Context(), p, id, r.PostFormValue("to")); err != nil {
		s.fail(w, r, false, err)
		return
	}
	back := "/items/" + url.PathEscape(id)
	if r.PostFormValue("back") == "lead" {
		back = "/lead"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (s *Server) entityPage(w http.ResponseWriter, r *http.Request, p *principal) {
	kind, value, err := entityQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	ads, err := s.adsWithEntity(r.Context(), kind, value, "")
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.render(w, r, http.StatusOK, "entities", "Ads with "+string(kind), p,
		map[string]any{"Kind": kind, "Value": value, "Ads": ads})
}

type leadData struct {
	Claims    []recruitscan.ReviewItem
	Users     []string
	Reviewers []ReviewerStats
	Rules     []RuleStats
	From, To  string
}

func (s *Server) leadPage(w http.ResponseWriter, r *http.Request, p *principal) {
	ctx := r.Context()
	from, to, err := s.timeRange(r.URL.Query())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	d := leadData{From: from.Format("2006-01-02"), To: to.Format("2006-01-02")}
	if d.Claims, err = s.cfg.Store.Claims(ctx); err == nil {
		if d.Reviewers, err = s.reviewerStats(ctx, from, to); err == nil {
			d.Rules, err = s.ruleStats(ctx, from, to)
		}
	}
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	for n, u := range s.users {
		if !u.Disabled {
			d.Users = append(d.Users, n)
		}
	}
	sort.Strings(d.Users)
	s.render(w, r, http.StatusOK, "lead", "Lead view", p, d)
}

func (s *Server) operatorPage(w http.ResponseWriter, r *http.Request, p *principal) {
	rows, err := s.sources(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.render(w, r, http.StatusOK, "operator", "Sources", p, map[string]any{"Sources": rows})
}

type adminData struct {
	Tokens    []TokenInfo
	NewSecret string
	NewToken  *TokenInfo
}

func (s *Server) adminPage(w http.ResponseWriter, r *http.Request, p *principal) {
	s.showAdmin(w, r, p, adminData{})
}

func (s *Server) showAdmin(w http.ResponseWriter, r *http.Request, p *principal, d adminData) {
	ts, err := s.tokens.list(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	d.Tokens = ts
	s.render(w, r, http.StatusOK, "admin", "API tokens", p, d)
}

func (s *Server) createTokenPage(w http.ResponseWriter, r *http.Request, p *principal) {
	t, secret, err := s.createToken(r.Context(), p, r.PostFormValue("name"), recruitscan.Role(r.PostFormValue("role")))
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	// The secret is shown once, in this response, and never again.
	s.showAdmin(w, r, p, adminData{NewSecret: secret, NewToken: &t})
}

func (s *Server) revokeTokenPage(w http.ResponseWriter, r *http.Request, p *principal) {
	if err := s.revokeToken(r.Context(), p, r.PathValue("id")); err != nil {
		s.fail(w, r, false, err)
		return
	}
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}

// searchPage finds an ad by its URL, or the ads carrying a contact: a
// phone (+…, digits), an email (…@…) or a handle (@name or a bare name).
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, p *principal) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		s.fail(w, r, false, fmt.Errorf("query parameter q: %w: empty search", recruitscan.ErrInvalid))
		return
	}
	if strings.Contains(q, "://") {
		a, err := s.cfg.Store.AdByURL(r.Context(), q)
		if err != nil {
			s.fail(w, r, false, fmt.Errorf("ad with URL %q: %w", q, err))
			return
		}
		http.Redirect(w, r, "/items/"+url.PathEscape(a.Ad.ID), http.StatusSeeOther)
		return
	}
	kind, value := searchEntity(q)
	http.Redirect(w, r, "/entities?"+url.Values{"kind": {string(kind)}, "value": {value}}.Encode(), http.StatusSeeOther)
}

// searchEntity guesses the entity kind of a search and normalises the
// value as the classifier does (phones: + and digits; emails: lower case;
// handles: without @).
func searchEntity(q string) (recruitscan.EntityKind, string) {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r == ' ' || r == '-' || r == '(' || r == ')' || r == '.' || r == '+' {
			return -1
		}
		return 'x'
	}, q)
	switch {
	case strings.Contains(q, "@") && !strings.HasPrefix(q, "@"):
		return recruitscan.EntityEmail, strings.ToLower(q)
	case digits != "" && !strings.Contains(digits, "x"):
		return recruitscan.EntityPhone, "+" + digits
	default:
		return recruitscan.EntityHandle, strings.TrimPrefix(q, "@")
	}
}

// rawPage shows a whole raw capture as plain text: bidi controls labelled,
// served with a sandboxing CSP and nosniff, so nothing in it renders or runs.
func (s *Server) rawPage(w http.ResponseWriter, r *http.Request, p *principal) {
	id := r.PathValue("id")
	raw, err := s.cfg.Store.RawBody(r.Context(), id)
	if err == nil && len(raw) == 0 {
		err = fmt.Errorf("raw capture of %s: %w", id, recruitscan.ErrNotFound)
	}
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte(inertRaw(string(raw))))
}
