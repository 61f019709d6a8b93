package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/clock"
)

const (
	sessionCookie = "rs_session"
	// loginCookie carries the double-submit CSRF token of the login form.
	loginCookie = "rs_login"
	csrfField   = "csrf"
	csrfHeader  = "X-CSRF-Token"
)

// session is what the server keeps per login, under the SHA-256 of the
// cookie's random id (a Redis dump does not hold usable cookies).
type session struct {
	User    string    `json:"user"`
	CSRF    string    `json:"csrf"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
}

func (s *Server) sessionKey(id string) string {
	return s.cfg.Prefix + ":review:session:" + sha256hex(id)
}

// newSession stores a session for user and returns the cookie's value.
func (s *Server) newSession(ctx context.Context, user string) (string, session, error) {
	now := s.cfg.Clock.Now()
	sess := session{User: user, CSRF: randomToken(32), Created: now, Expires: now.Add(s.cfg.SessionTTL)}
	id := randomToken(32)
	b, _ := json.Marshal(sess)
	if err := s.kv.set(ctx, s.sessionKey(id), b, s.cfg.SessionTTL); err != nil {
		return "", session{}, fmt.Errorf("new session: %w", err)
	}
	return id, sess, nil
}

// loadSession returns the request's live session; ErrNotFound when there
// is none or it expired (by the server's clock, not only Redis' TTL).
func (s *Server) loadSession(r *http.Request) (string, session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return "", session{}, fmt.Errorf("load session: %w", recruitscan.ErrNotFound)
	}
	key := s.sessionKey(c.Value)
	b, err := s.kv.get(r.Context(), key)
	if err != nil {
		return "", session{}, fmt.Errorf("load session: %w", err)
	}
	var sess session
	if err := json.Unmarshal(b, &sess); err != nil {
		return "", session{}, fmt.Errorf("load session: %w: %v", recruitscan.ErrNotFound, err)
	}
	if !s.cfg.Clock.Now().Before(sess.Expires) {
		_ = s.kv.del(r.Context(), key)
		return "", session{}, fmt.Errorf("load session: expired: %w", recruitscan.ErrNotFound)
	}
	return key, sess, nil
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: "/",
		MaxAge:   int(maxAge / time.Second),
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode,
	})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
}

// authenticate finds the caller: a bearer token, else a session cookie.
// It returns nil, nil for an anonymous request and an error only when the
// backing store fails.
func (s *Server) authenticate(r *http.Request) (*principal, error) {
	if tok, ok := bearer(r); ok {
		info, err := s.tokens.lookup(r.Context(), tok)
		if errors.Is(err, recruitscan.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return &principal{Name: "token:" + info.Name, Role: info.Role, ViaToken: true}, nil
	}
	key, sess, err := s.loadSession(r)
	if errors.Is(err, recruitscan.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	u, ok := s.users[sess.User]
	if !ok || u.Disabled {
		return nil, nil
	}
	return &principal{Name: u.Name, Role: u.Role, Languages: u.Languages, CSRF: sess.CSRF, sessionKey: key}, nil
}

// checkCSRF accepts a state change from a cookie session only with the
// session's token in the X-CSRF-Token header or the csrf form field.
func checkCSRF(r *http.Request, p *principal) bool {
	if p == nil || p.ViaToken || safeMethod(r.Method) {
		return true
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	return equalSecret(p.CSRF, got)
}

// limiter counts failed logins per key (user, IP) in fixed windows. It is
// per process; the map is bounded by pruning stale windows.
type limiter struct {
	mu     sync.Mutex
	clock  clock.Clock
	window time.Duration
	max    int
	fails  map[string]*failWindow
}

type failWindow struct {
	start time.Time
	n     int
}

const limiterMaxKeys = 50000

func newLimiter(c clock.Clock, window time.Duration, max int) *limiter {
	return &limiter{clock: c, window: window, max: max, fails: map[string]*failWindow{}}
}

// blocked reports whether key used up its failures and, if so, when it may
// try again.
func (l *limiter) blocked(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.fails[key]
	now := l.clock.Now()
	if f == nil || now.Sub(f.start) >= l.window {
		return false, 0
	}
	if f.n >= l.max {
		return true, f.start.Add(l.window).Sub(now)
	}
	return false, 0
}

func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if len(l.fails) >= limiterMaxKeys {
		for k, f := range l.fails {
			if now.Sub(f.start) >= l.window {
				delete(l.fails, k)
			}
		}
	}
	f := l.fails[key]
	if f == nil || now.Sub(f.start) >= l.window {
		f = &failWindow{start: now}
		l.fails[key] = f
	}
	f.n++
}

func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}
