package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/clock"
	"github.com/redis/go-redis/v9"
)

// Config configures a Server. Zero values mean the documented defaults.
type Config struct {
	// Store is the review queue, ads and audit log (*store.Store). Required.
	Store Store
	// Redis keeps sessions and admin-created API tokens, shared by every
	// serving process. Nil keeps them in this process's memory: fine for
	// one process (the demo), lost on restart.
	Redis redis.UniversalClient
	// Prefix namespaces the Redis keys review writes; default "rs".
	Prefix string
	// Users may log in with a password (see HashPassword).
	Users []User
	// Tokens are bootstrap API tokens (Authorization: Bearer <secret>).
	Tokens []Token
	// Clock tells the time (sessions, rate limits); default clock.Real{}.
	Clock clock.Clock
	// Logger gets one line per server error; default slog.Default().
	Logger *slog.Logger
	// SessionTTL is how long a login lasts; default 12h.
	SessionTTL time.Duration
	// SecureCookies marks cookies Secure; set it whenever serving TLS.
	SecureCookies bool
	// LoginFailures is how many failed logins a user name may have per
	// LoginWindow (default 5; an IP gets four times as many); LoginWindow
	// defaults to 15m.
	LoginFailures int
	LoginWindow   time.Duration
	// ClientIPHeader names the header a reverse proxy sets to the client's
	// address (such as "X-Forwarded-For"; the last address in it is used).
	// Leave it empty when clients connect directly: the header is then
	// ignored, since anyone could forge it to dodge the per-IP login limit.
	ClientIPHeader string
	// Sources are listed in the operator view; SourceStatus, when set,
	// adds their last crawl, errors and ads found.
	Sources      []recruitscan.Source
	SourceStatus func(ctx context.Context) ([]SourceStatus, error)
}

// SourceStatus is one source's crawl health for the operator view (the
// command fills it from the crawler's per-source progress).
type SourceStatus struct {
	ID         string         `json:"id"`
	LastCrawl  time.Time      `json:"last_crawl,omitzero"`
	Pages      int            `json:"pages"`
	Ads        int            `json:"ads"`
	Errors     int            `json:"errors"`
	ErrorKinds map[string]int `json:"error_kinds,omitempty"`
	LastError  string         `json:"last_error,omitempty"`
}

// Server serves the reviewer UI and the JSON API.
type Server struct {
	cfg     Config
	kv      kv
	tokens  *tokenStore
	users   map[string]User
	log     *slog.Logger
	pages   map[string]*template.Template
	userLim *limiter
	ipLim   *limiter
	mux     *http.ServeMux
	// dummyHash is compared against when the user name is unknown, so a
	// login takes as long for unknown users as for wrong passwords.
	dummyHash string
}

// New checks cfg and builds a Server.
func New(cfg Config) (*Server, error) {
	if err := applyDefaults(&cfg); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, users: map[string]User{}}
	if cfg.Redis != nil {
		s.kv = redisKV{c: cfg.Redis}
	} else {
		s.kv = newMemKV(cfg.Clock)
	}
	for i, u := range cfg.Users {
		if err := checkUser(u); err != nil {
			return nil, fmt.Errorf("review: users[%d]: %w", i, err)
		}
		if _, dup := s.users[u.Name]; dup {
			return nil, fmt.Errorf("review: users[%d]: %w: duplicate name %q", i, recruitscan.ErrInvalid, u.Name)
		}
		s.users[u.Name] = u
	}
	var err error
	if s.tokens, err = newTokenStore(s.kv, cfg.Prefix, cfg.Tokens); err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	if s.pages, err = parsePages(); err != nil {
		return nil, fmt.Errorf("review: %w", err)
	}
	h, _ := bcryptHash("not a password: timing equaliser")
	s.dummyHash = h
	limKV := s.kv
	if cfg.Redis == nil {
		limKV = newMemKV(cfg.Clock)
	}
	s.userLim = &limiter{kv: limKV, clock: cfg.Clock, prefix: cfg.Prefix, window: cfg.LoginWindow, max: cfg.LoginFailures}
	s.ipLim = &limiter{kv: limKV, clock: cfg.Clock, prefix: cfg.Prefix + ":ip", window: cfg.LoginWindow, max: 4 * cfg.LoginFailures}
	s.mux = http.NewServeMux()
	for _, rt := range s.routes() {
		s.mux.Handle(rt.pattern, s.wrap(rt))
	}
	return s, nil
}

func applyDefaults(cfg *Config) error {
	if cfg.Store == nil {
		return fmt.Errorf("review: config: %w: Store is required", recruitscan.ErrInvalid)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "rs"
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.LoginFailures <= 0 {
		cfg.LoginFailures = 5
	}
	if cfg.LoginWindow <= 0 {
		cfg.LoginWindow = 15 * time.Minute
	}
	return nil
}

func checkUser(u User) error {
	switch {
	case u.Name == "" || strings.ContainsAny(u.Name, " \t\r\n:"):
		return fmt.Errorf("name %q: %w: want a non-empty name without spaces or colons", u.Name, recruitscan.ErrInvalid)
	case !validRole(u.Role):
		return fmt.Errorf("user %q: role %q: %w (want reviewer, lead or admin)", u.Name, u.Role, recruitscan.ErrInvalid)
	case !u.Disabled && !strings.HasPrefix(u.PasswordHash, "$2"):
		return fmt.Errorf("user %q: password_hash: %w: not a bcrypt hash (use `recruitscan user passwd`)", u.Name, recruitscan.ErrInvalid)
	}
	return nil
}

// Handler serves /login, /logout, the UI, /static/ and /api/v1/…; not
// /metrics, /healthz or /readyz, which the command mounts beside it.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header())
		s.mux.ServeHTTP(w, r)
	})
}

// route is one entry of the route table, the single source of truth for
// the mux, the authorisation matrix test and the OpenAPI check.
type route struct {
	pattern string           // http.ServeMux pattern with method
	role    recruitscan.Role // least role; "" = open to anyone
	api     bool             // JSON errors; otherwise HTML and login redirects
	h       func(w http.ResponseWriter, r *http.Request, p *principal)
}

// wrap adds security headers, authentication, role and CSRF checks.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		p, err := s.authenticate(r)
		if err != nil {
			s.fail(w, r, rt.api, fmt.Errorf("authenticate: %w", err))
			return
		}
		if rt.role != "" {
			if p == nil {
				s.unauthenticated(w, r, rt.api)
				return
			}
			if !p.can(rt.role) {
				s.fail(w, r, rt.api, fmt.Errorf("%s needs role %s: %w", r.URL.Path, rt.role, recruitscan.ErrForbidden))
				return
			}
		}
		// Open routes (the login form) check their own CSRF token.
		if rt.role != anyone && !checkCSRF(r, p) {
			s.fail(w, r, rt.api, fmt.Errorf("%s: %w", r.URL.Path, errCSRF))
			return
		}
		rt.h(w, r, p)
	})
}

// maxBody bounds request bodies (forms, JSON); nothing we accept is large.
const maxBody = 1 << 20

var (
	errCSRF            = errors.New("missing or wrong CSRF token")
	errUnauthenticated = errors.New("authentication required")
	errRateLimited     = errors.New("too many failed logins; try again later")
)

func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "+
		"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

func (s *Server) unauthenticated(w http.ResponseWriter, r *http.Request, api bool) {
	if api {
		w.Header().Set("WWW-Authenticate", `Bearer realm="recruitscan"`)
		writeJSONError(w, http.StatusUnauthorized, "unauthenticated", errUnauthenticated.Error())
		return
	}
	next := "/queue"
	if r.Method == http.MethodGet {
		next = r.URL.RequestURI()
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
}

// status maps an error to an HTTP status and a stable code.
func status(err error) (int, string) {
	switch {
	case errors.Is(err, recruitscan.ErrNotFound):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, recruitscan.ErrQueueEmpty):
		return http.StatusNotFound, "queue_empty"
	case errors.Is(err, recruitscan.ErrNotLeaseHolder):
		return http.StatusConflict, "not_lease_holder"
	case errors.Is(err, recruitscan.ErrAlreadyDecided):
		return http.StatusConflict, "already_decided"
	case errors.Is(err, recruitscan.ErrInvalid):
		return http.StatusBadRequest, "invalid"
	case errors.Is(err, recruitscan.ErrForbidden):
		return http.StatusForbidden, "forbidden"
	case errors.Is(err, errCSRF):
		return http.StatusForbidden, "csrf"
	case errors.Is(err, errRateLimited):
		return http.StatusTooManyRequests, "rate_limited"
	case errors.Is(err, recruitscan.ErrUnavailable):
		return http.StatusServiceUnavailable, "unavailable"
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return http.StatusRequestEntityTooLarge, "too_large"
	}
	return http.StatusInternalServerError, "internal"
}

// fail answers with err's status: JSON for the API, a page for the UI.
// Server errors are logged and not shown in detail.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, api bool, err error) {
	code, name := status(err)
	msg := err.Error()
	if code >= 500 {
		s.log.Error("review: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		msg = http.StatusText(code)
	}
	if api {
		writeJSONError(w, code, name, msg)
		return
	}
	s.renderStatus(w, r, code, msg)
}

func writeJSONError(w http.ResponseWriter, code int, name, msg string) {
	writeJSON(w, code, map[string]string{"error": msg, "code": name})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"error":"encode response","code":"internal"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

// readJSON decodes a request body strictly (unknown fields are errors).
func readJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return err
		}
		return fmt.Errorf("request body: %w: %v", recruitscan.ErrInvalid, err)
	}
	return nil
}

// audit appends an entry for an action outside the queue; a failure is
// logged, since the action itself already happened.
func (s *Server) audit(ctx context.Context, p *principal, action, itemID, note string) {
	e := recruitscan.AuditEntry{At: s.cfg.Clock.Now(), Action: action, ItemID: itemID, Note: note}
	if p != nil {
		e.Actor = p.Name
	}
	if err := s.cfg.Store.AppendAudit(ctx, e); err != nil {
		s.log.Error("review: audit", "action", action, "err", err)
	}
}
