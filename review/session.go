package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
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

// limiter counts failed logins per key (user name, IP) in fixed windows
// of the server's clock. The counters live in the kv: in Redis they are
// shared by every serving process and expire on their own; in memory they
// use their own bounded store, so a flood of bogus names cannot crowd out
// sessions.
type limiter struct {
	kv     kv
	clock  clock.Clock
	prefix string
	window time.Duration
	max    int
}

func (l *limiter) key(k string) string {
	idx := l.clock.Now().UnixNano() / int64(l.window)
	return fmt.Sprintf("%s:review:loginfail:%s:%d", l.prefix, sha256hex(k)[:32], idx)
}

// blocked reports whether key used up its failures in this window. A
// storage error blocks too: failing closed keeps guessing slow.
func (l *limiter) blocked(ctx context.Context, key string) bool {
	b, err := l.kv.get(ctx, l.key(key))
	if errors.Is(err, recruitscan.ErrNotFound) {
		return false
	}
	if err != nil {
		return true
	}
	n, _ := strconv.Atoi(string(b))
	return n >= l.max
}

func (l *limiter) fail(ctx context.Context, key string) error {
	_, err := l.kv.incr(ctx, l.key(key), 2*l.window)
	return err
}

func (l *limiter) reset(ctx context.Context, key string) error {
	return l.kv.del(ctx, l.key(key))
}
