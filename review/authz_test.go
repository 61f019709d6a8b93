package review

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/testredis"
	"github.com/recruitscan/recruitscan/store"
)

// call is one request of the authorisation matrix.
type call struct {
	path string // with query; {id} is the Arabic fixture
	body any    // url.Values for forms, anything else is JSON
	// want is the status for anonymous, reviewer, lead, admin.
	want [4]int
}

const (
	see  = http.StatusSeeOther
	ok   = http.StatusOK
	unau = http.StatusUnauthorized
	forb = http.StatusForbidden
	conf = http.StatusConflict
	nf   = http.StatusNotFound
)

// matrix covers every route; TestAuthzMatrixCoversRoutes keeps it so.
var matrix = map[string]call{
	"GET /{$}":                       {"/", nil, [4]int{see, see, see, see}},
	"GET /login":                     {"/login", nil, [4]int{ok, ok, ok, ok}},
	"POST /login":                    {"/login", url.Values{"username": {"rev1"}, "password": {testPassword}}, [4]int{forb, forb, forb, forb}},
	"POST /logout":                   {"/logout", url.Values{}, [4]int{see, see, see, see}},
	"GET /static/":                   {"/static/app.js", nil, [4]int{ok, ok, ok, ok}},
	"GET /queue":                     {"/queue", nil, [4]int{see, ok, ok, ok}},
	"POST /queue/claim":              {"/queue/claim", url.Values{}, [4]int{see, see, see, see}},
	"GET /items/{id}":                {"/items/{id}", nil, [4]int{see, ok, ok, ok}},
	"GET /items/{id}/raw":            {"/items/" + idXSS + "/raw", nil, [4]int{see, ok, ok, ok}},
	"POST /items/{id}/decision":      {"/items/{id}/decision", url.Values{"decision": {"confirm"}}, [4]int{see, conf, see, see}},
	"POST /items/{id}/note":          {"/items/{id}/note", url.Values{"note": {"seen before"}}, [4]int{see, see, see, see}},
	"POST /items/{id}/reassign":      {"/items/{id}/reassign", url.Values{"to": {"rev2"}}, [4]int{see, forb, see, see}},
	"GET /entities":                  {"/entities?kind=phone&value=" + url.QueryEscape(phone), nil, [4]int{see, ok, ok, ok}},
	"GET /search":                    {"/search?q=" + url.QueryEscape(phone), nil, [4]int{see, see, see, see}},
	"GET /lead":                      {"/lead", nil, [4]int{see, forb, ok, ok}},
	"GET /operator":                  {"/operator", nil, [4]int{see, forb, ok, ok}},
	"GET /admin":                     {"/admin", nil, [4]int{see, forb, forb, ok}},
	"POST /admin/tokens":             {"/admin/tokens", url.Values{"name": {"ci"}, "role": {"reviewer"}}, [4]int{see, forb, forb, ok}},
	"POST /admin/tokens/{id}/revoke": {"/admin/tokens/nope/revoke", url.Values{}, [4]int{see, forb, forb, nf}},

	"GET /api/v1/openapi.json":          {"/api/v1/openapi.json", nil, [4]int{ok, ok, ok, ok}},
	"GET /api/v1/me":                    {"/api/v1/me", nil, [4]int{unau, ok, ok, ok}},
	"GET /api/v1/queue":                 {"/api/v1/queue?level=high", nil, [4]int{unau, ok, ok, ok}},
	"GET /api/v1/queue/stats":           {"/api/v1/queue/stats", nil, [4]int{unau, ok, ok, ok}},
	"POST /api/v1/queue/claim":          {"/api/v1/queue/claim", nil, [4]int{unau, ok, ok, ok}},
	"GET /api/v1/items/{id}":            {"/api/v1/items/{id}", nil, [4]int{unau, ok, ok, ok}},
	"GET /api/v1/items/{id}/history":    {"/api/v1/items/{id}/history", nil, [4]int{unau, ok, ok, ok}},
	"POST /api/v1/items/{id}/decision":  {"/api/v1/items/{id}/decision", map[string]string{"decision": "confirm"}, [4]int{unau, conf, ok, ok}},
	"POST /api/v1/items/{id}/note":      {"/api/v1/items/{id}/note", map[string]string{"note": "x"}, [4]int{unau, ok, ok, ok}},
	"POST /api/v1/items/{id}/heartbeat": {"/api/v1/items/{id}/heartbeat", nil, [4]int{unau, conf, conf, conf}},
	"POST /api/v1/items/{id}/reassign":  {"/api/v1/items/{id}/reassign", map[string]string{"to": "rev2"}, [4]int{unau, forb, ok, ok}},
	"GET /api/v1/entities":              {"/api/v1/entities?kind=phone&value=" + url.QueryEscape(phone), nil, [4]int{unau, ok, ok, ok}},
	"GET /api/v1/ads":                   {"/api/v1/ads?url=" + url.QueryEscape("http://board.test/ads/1"), nil, [4]int{unau, ok, ok, ok}},
	"GET /api/v1/claims":                {"/api/v1/claims", nil, [4]int{unau, forb, ok, ok}},
	"GET /api/v1/stats/reviewers":       {"/api/v1/stats/reviewers", nil, [4]int{unau, forb, ok, ok}},
	"GET /api/v1/stats/rules":           {"/api/v1/stats/rules", nil, [4]int{unau, forb, ok, ok}},
	"GET /api/v1/sources":               {"/api/v1/sources", nil, [4]int{unau, forb, ok, ok}},
	"GET /api/v1/export/decisions":      {"/api/v1/export/decisions?format=csv", nil, [4]int{unau, forb, ok, ok}},
	"GET /api/v1/export/evidence":       {"/api/v1/export/evidence?ids={id}", nil, [4]int{unau, forb, ok, ok}},
	"GET /api/v1/tokens":                {"/api/v1/tokens", nil, [4]int{unau, forb, forb, ok}},
	"POST /api/v1/tokens":               {"/api/v1/tokens", map[string]string{"name": "ci", "role": "reviewer"}, [4]int{unau, forb, forb, http.StatusCreated}},
	"DELETE /api/v1/tokens/{id}":        {"/api/v1/tokens/nope", nil, [4]int{unau, forb, forb, nf}},
}

var roles = [4]string{"anonymous", "rev1", "lead1", "admin1"}

func TestAuthzMatrixCoversRoutes(t *testing.T) {
	s := &Server{}
	seen := map[string]bool{}
	for _, rt := range s.routes() {
		seen[rt.pattern] = true
		if _, ok := matrix[rt.pattern]; !ok {
			t.Errorf("route %q is missing from the authorisation matrix", rt.pattern)
		}
	}
	for p := range matrix {
		if !seen[p] {
			t.Errorf("matrix names %q, which is not a route", p)
		}
	}
}

// TestAuthzMatrix sends every route as every role (cookie session with
// its CSRF token) on fresh data and checks the status.
func TestAuthzMatrix(t *testing.T) {
	for pattern, c := range matrix {
		method := strings.Fields(pattern)[0]
		for i, who := range roles {
			t.Run(pattern+"/"+who, func(t *testing.T) {
				e := newEnv(t)
				e.seed("")
				s := e.anon()
				if who != "anonymous" {
					s = e.login(who)
				}
				path := strings.ReplaceAll(c.path, "{id}", idArabic)
				body := c.body
				if method != "GET" {
					body = withCSRF(body, s.csrf)
				}
				r := s.doCSRF(method, path, body)
				if r.code != c.want[i] {
					t.Errorf("%s %s as %s: status %d, want %d\n%.400s", method, path, who, r.code, c.want[i], r.body)
				}
				if who == "anonymous" && c.want[0] == see && !strings.HasPrefix(r.header.Get("Location"), "/login") && pattern != "POST /login" {
					t.Errorf("anonymous %s: redirected to %q, want /login", pattern, r.header.Get("Location"))
				}
			})
		}
	}
}

// withCSRF adds the token to a form; JSON bodies carry it in the header.
func withCSRF(body any, csrf string) any {
	if f, ok := body.(url.Values); ok {
		g := url.Values{}
		for k, v := range f {
			g[k] = v
		}
		if csrf != "" {
			g.Set("csrf", csrf)
		}
		return g
	}
	return body
}

// doCSRF sends the request with the session's CSRF header for non-forms.
func (s *client) doCSRF(method, path string, body any) response {
	if _, form := body.(url.Values); form || s.csrf == "" || method == "GET" {
		return s.do(method, path, body, "")
	}
	return s.doHeader(method, path, body, map[string]string{csrfHeader: s.csrf})
}

func (s *client) doHeader(method, path string, body any, h map[string]string) response {
	old := s.c.Transport
	s.c.Transport = headerRT{h: h}
	defer func() { s.c.Transport = old }()
	return s.do(method, path, body, "")
}

type headerRT struct{ h map[string]string }

func (rt headerRT) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range rt.h {
		r.Header.Set(k, v)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestCSRFRequired: every state change made with a session cookie but
// without the CSRF token (or with a wrong one) is refused, even for an
// admin; the same call with a bearer token needs none.
func TestCSRFRequired(t *testing.T) {
	e := newEnv(t)
	e.seed("")
	s := e.login("admin1")
	for pattern, c := range matrix {
		method := strings.Fields(pattern)[0]
		if method == "GET" || pattern == "POST /login" {
			continue
		}
		path := strings.ReplaceAll(c.path, "{id}", idArabic)
		for _, token := range []string{"", "wrong-token"} {
			body := withCSRF(c.body, token)
			var r response
			if _, form := body.(url.Values); form || token == "" {
				r = s.do(method, path, body, "")
			} else {
				r = s.doHeader(method, path, body, map[string]string{csrfHeader: token})
			}
			if r.code != http.StatusForbidden || !strings.Contains(r.body, "CSRF") {
				t.Errorf("%s with csrf %q: status %d, want 403 naming CSRF\n%.300s", pattern, token, r.code, r.body)
			}
		}
	}
	// Bearer calls are exempt.
	var it recruitscan.ReviewItem
	e.api(t, admin, "POST", "/api/v1/items/"+idArabic+"/decision", map[string]string{"decision": "dismiss"}, http.StatusOK, &it)
	if it.Status != recruitscan.StatusDecided {
		t.Errorf("bearer decision: status %s, want decided", it.Status)
	}
}

func TestReviewerCannotDecideAnothersLease(t *testing.T) {
	e := newEnv(t)
	e.seed("")
	rev1, rev2 := e.login("rev1"), e.login("rev2")
	var it recruitscan.ReviewItem
	r := rev1.doCSRF("POST", "/api/v1/queue/claim", nil)
	if r.code != http.StatusOK {
		t.Fatalf("claim: %d %s", r.code, r.body)
	}
	mustJSON(t, r.body, &it)
	for _, via := range []string{"api", "form"} {
		var r response
		if via == "api" {
			r = rev2.doCSRF("POST", "/api/v1/items/"+it.ID+"/decision", map[string]string{"decision": "dismiss"})
		} else {
			r = rev2.do("POST", "/items/"+it.ID+"/decision", url.Values{"decision": {"dismiss"}, "csrf": {rev2.csrf}}, "")
		}
		if r.code != http.StatusConflict {
			t.Errorf("rev2 deciding rev1's item via %s: status %d, want 409\n%.300s", via, r.code, r.body)
		}
	}
	got, err := e.st.Item(t.Context(), it.ID)
	if err != nil || got.Status != recruitscan.StatusClaimed || got.ClaimedBy != "rev1" {
		t.Fatalf("after refused decisions: %+v, %v; want still claimed by rev1", got, err)
	}
	r = rev1.doCSRF("POST", "/api/v1/items/"+it.ID+"/decision", map[string]string{"decision": "confirm"})
	if r.code != http.StatusOK {
		t.Errorf("holder's decision: %d %s", r.code, r.body)
	}
}

func TestSessionExpiry(t *testing.T) {
	e := newEnv(t)
	s := e.login("rev1")
	if r := s.do("GET", "/api/v1/me", nil, ""); r.code != http.StatusOK {
		t.Fatalf("fresh session: %d", r.code)
	}
	e.clk.Advance(time.Hour - time.Second)
	if r := s.do("GET", "/queue", nil, ""); r.code != http.StatusOK {
		t.Fatalf("session just before expiry: %d", r.code)
	}
	e.clk.Advance(2 * time.Second)
	if r := s.do("GET", "/queue", nil, ""); r.code != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Errorf("expired session on a page: %d to %q, want 303 to /login", r.code, r.header.Get("Location"))
	}
	if r := s.do("GET", "/api/v1/me", nil, ""); r.code != http.StatusUnauthorized {
		t.Errorf("expired session on the API: %d, want 401", r.code)
	}
}

func TestSessionCookieAndLogout(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.SecureCookies = true })
	s := e.anon()
	m := loginCSRF.FindStringSubmatch(s.do("GET", "/login", nil, "").body)
	r := s.do("POST", "/login", url.Values{"username": {"rev1"}, "password": {testPassword}, "csrf": {m[1]}}, "")
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == sessionCookie && c.Value != "" {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatalf("no session cookie set: %v", r.header["Set-Cookie"])
	}
	if !cookie.HttpOnly || !cookie.Secure || cookie.SameSite != http.SameSiteStrictMode || cookie.MaxAge != 3600 {
		t.Errorf("session cookie %+v: want HttpOnly, Secure, SameSite=Strict, Max-Age 3600", cookie)
	}
	// The cookie jar will not send a Secure cookie over http; send it by hand.
	get := func() int {
		req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/me", nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie.Value})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get(); got != http.StatusOK {
		t.Fatalf("with cookie: %d", got)
	}
	// Log out, then the old cookie value is dead server-side.
	req, _ := http.NewRequest("GET", e.ts.URL+"/queue", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie.Value})
	resp, _ := http.DefaultClient.Do(req)
	b := make([]byte, 1<<16)
	n, _ := resp.Body.Read(b)
	resp.Body.Close()
	csrf := csrfMeta.FindStringSubmatch(string(b[:n]))
	if csrf == nil {
		t.Fatal("no csrf meta on queue page")
	}
	req, _ = http.NewRequest("POST", e.ts.URL+"/logout", strings.NewReader(url.Values{"csrf": {csrf[1]}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: cookie.Value})
	resp, err := (&http.Client{CheckRedirect: noRedirect}).Do(req)
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %v %v", resp, err)
	}
	resp.Body.Close()
	if got := get(); got != http.StatusUnauthorized {
		t.Errorf("after logout: %d, want 401", got)
	}
}

func TestLoginRateLimit(t *testing.T) {
	for _, store := range []string{"redis", "memory"} {
		t.Run(store, func(t *testing.T) {
			testLoginRateLimit(t, func(c *Config) {
				if store == "memory" {
					c.Redis = nil
				}
			})
		})
	}
}

func testLoginRateLimit(t *testing.T, mod func(*Config)) {
	e := newEnv(t, mod)
	try := func(user, pw string) int {
		s := e.anon()
		m := loginCSRF.FindStringSubmatch(s.do("GET", "/login", nil, "").body)
		return s.do("POST", "/login", url.Values{"username": {user}, "password": {pw}, "csrf": {m[1]}}, "").code
	}
	for i := 0; i < 5; i++ {
		if got := try("rev1", "wrong password"); got != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d, want 401", i+1, got)
		}
	}
	if got := try("rev1", testPassword); got != http.StatusTooManyRequests {
		t.Errorf("right password after 5 failures: %d, want 429", got)
	}
	if got := try("rev2", testPassword); got != http.StatusSeeOther {
		t.Errorf("another user from the same address: %d, want 303", got)
	}
	for i := 0; i < 20; i++ {
		try("nobody"+string(rune('a'+i%26)), "x")
	}
	if got := try("lead1", testPassword); got != http.StatusTooManyRequests {
		t.Errorf("after 20+ failures from one address: %d, want 429", got)
	}
	e.clk.Advance(16 * time.Minute)
	if got := try("rev1", testPassword); got != http.StatusSeeOther {
		t.Errorf("after the window: %d, want 303", got)
	}
	if got := try("gone", testPassword); got != http.StatusUnauthorized {
		t.Errorf("disabled user: %d, want 401", got)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/login", "/api/v1/queue", "/nope", "/static/app.js"} {
		r := e.anon().do("GET", path, nil, "")
		h := r.header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows unsafe script: %q", path, csp)
		}
		for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
			if h.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", path, k, h.Get(k), v)
			}
		}
	}
}

func TestLoginRedirectStaysLocal(t *testing.T) {
	for in, want := range map[string]string{
		"/items/x?y=1": "/items/x?y=1", "//evil.test/": "/queue", "https://evil.test/": "/queue",
		"/\\evil.test": "/queue", "": "/queue", "javascript:alert(1)": "/queue", "/\t/evil.test": "/queue",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClientIP(t *testing.T) {
	tests := []struct {
		header string
		values []string
		want   string
	}{
		{"", []string{"6.6.6.6"}, "10.0.0.1"}, // header not trusted by default
		{"X-Forwarded-For", nil, "10.0.0.1"},
		{"X-Forwarded-For", []string{"6.6.6.6, 192.0.2.7"}, "192.0.2.7"},
		{"X-Forwarded-For", []string{"6.6.6.6", "192.0.2.8"}, "192.0.2.8"},
		{"X-Real-IP", []string{"192.0.2.9"}, "192.0.2.9"},
	}
	for _, tc := range tests {
		r, _ := http.NewRequest("GET", "/", nil)
		r.RemoteAddr = "10.0.0.1:5555"
		for _, v := range tc.values {
			h := tc.header
			if h == "" {
				h = "X-Forwarded-For"
			}
			r.Header.Add(h, v)
		}
		if got := clientIP(r, tc.header); got != tc.want {
			t.Errorf("clientIP(%q, %q) = %q, want %q", tc.header, tc.values, got, tc.want)
		}
	}
}

func TestConfigErrorsNameTheUser(t *testing.T) {
	c, prefix := testredis.Client(t)
	st, _ := store.New(store.Config{Client: c, Prefix: prefix})
	hash, _ := HashPassword(testPassword)
	tests := []struct {
		users []User
		want  string
	}{
		{[]User{{Name: "ok", Role: reviewer, PasswordHash: hash}, {Name: "x", Role: "boss", PasswordHash: hash}}, `users[1]: user "x": role "boss"`},
		{[]User{{Name: "a b", Role: reviewer, PasswordHash: hash}}, `users[0]: name "a b"`},
		{[]User{{Name: "p", Role: lead, PasswordHash: "secret"}}, `users[0]: user "p": password_hash`},
		{[]User{{Name: "d", Role: lead, PasswordHash: hash}, {Name: "d", Role: admin, PasswordHash: hash}}, `users[1]: invalid value: duplicate name "d"`},
	}
	for _, tc := range tests {
		_, err := New(Config{Store: st, Users: tc.users})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, recruitscan.ErrInvalid) {
			t.Errorf("New with %v: %v, want an ErrInvalid naming %s", tc.users, err, tc.want)
		}
	}
	// A disabled user needs no hash.
	if _, err := New(Config{Store: st, Users: []User{{Name: "gone", Role: reviewer, Disabled: true}}}); err != nil {
		t.Errorf("disabled user without a hash: %v", err)
	}
	if _, err := New(Config{Store: st, Tokens: []Token{{Name: "t", Role: admin, Secret: "short"}}}); err == nil || !strings.Contains(err.Error(), `tokens[0] ("t")`) {
		t.Errorf("short token secret: %v", err)
	}
}
