package review

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/clock"
	"github.com/recruitscan/recruitscan/internal/testredis"
	"github.com/recruitscan/recruitscan/store"
	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"
)

func TestMain(m *testing.M) {
	bcryptCost = bcrypt.MinCost // hashing speed is not under test
	code := m.Run()
	cleanupBench()
	os.Exit(code)
}

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// testLease is the store's review lease in newEnv; a test may shorten it.
var testLease = 10 * time.Minute

const testPassword = "correct horse battery"

// Fixture ids.
const (
	idArabic  = "a1ar0000000000000001"
	idEnglish = "a2en0000000000000002"
	idUrdu    = "a3ur0000000000000003"
	idXSS     = "a4xs0000000000000004"
	phone     = "+966501234567"
)

// env is one test's server on a real store with its own key prefix.
type env struct {
	t     *testing.T
	srv   *Server
	st    *store.Store
	rdb   redis.UniversalClient
	clk   *clock.Fake
	ts    *httptest.Server
	token map[recruitscan.Role]string // bootstrap bearer token per role
}

func newEnv(t *testing.T, mod ...func(*Config)) *env {
	t.Helper()
	c, prefix := testredis.Client(t)
	clk := clock.NewFake(t0)
	st, err := store.New(store.Config{Client: c, Prefix: prefix, Clock: clk, Lease: testLease})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := HashPassword(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, rdb: c, clk: clk, token: map[recruitscan.Role]string{}}
	cfg := Config{Store: st, Redis: c, Prefix: prefix, Clock: clk, SessionTTL: time.Hour,
		Sources: []recruitscan.Source{{ID: "board", Type: recruitscan.SourceHTML, URLs: []string{"http://127.0.0.1/"}, Headers: map[string]string{"Cookie": "secret"}}},
		SourceStatus: func(context.Context) ([]SourceStatus, error) {
			return []SourceStatus{{ID: "board", LastCrawl: t0, Pages: 9, Ads: 4, Errors: 2, ErrorKinds: map[string]int{"timeout": 2}}}, nil
		},
	}
	for _, u := range []struct {
		name  string
		role  recruitscan.Role
		langs []string
	}{{"rev1", reviewer, []string{"ar"}}, {"rev2", reviewer, nil}, {"lead1", lead, nil}, {"admin1", admin, nil}} {
		cfg.Users = append(cfg.Users, User{Name: u.name, Role: u.role, PasswordHash: hash, Languages: u.langs})
	}
	cfg.Users = append(cfg.Users, User{Name: "gone", Role: reviewer, PasswordHash: hash, Disabled: true})
	for _, r := range []recruitscan.Role{reviewer, lead, admin} {
		secret := "test-token-" + string(r) + "-0123456789"
		cfg.Tokens = append(cfg.Tokens, Token{Name: "bot-" + string(r), Role: r, Secret: secret})
		e.token[r] = secret
	}
	for _, m := range mod {
		m(&cfg)
	}
	if e.srv, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.ts.Close)
	return e
}

// span returns a hit on the first occurrence of phrase in text.
func span(t testing.TB, text string, field recruitscan.Field, phrase, rule string, ind recruitscan.Indicator) recruitscan.Hit {
	i := strings.Index(text, phrase)
	if i < 0 {
		t.Fatalf("fixture: %q not in %q", phrase, text)
	}
	return recruitscan.Hit{Rule: rule, Indicator: ind, Field: field, Start: i, End: i + len(phrase), Text: phrase,
		Description: "rule " + rule + " explains " + string(ind), Weight: 2}
}

// fixture is one ad with its verdict.
type fixture struct {
	ad recruitscan.Ad
	v  recruitscan.Verdict
}

// fixtures are four ads; foreign is the origin the XSS ad tries to reach
// (the browser test watches it); "" means http://foreign.invalid.
func fixtures(t testing.TB, foreign string) []fixture {
	if foreign == "" {
		foreign = "http://foreign.invalid"
	}
	ar := recruitscan.Ad{ID: idArabic, SourceID: "board", URL: "http://board.test/ads/1",
		Title: "مطلوب سائقين للسعودية",
		Body:  "تأشيرة حرة للبيع والدفع على العامل 9500 ريال.\nالجواز يبقى مع الكفيل.\nللتواصل واتساب فقط " + phone,
	}
	en := recruitscan.Ad{ID: idEnglish, SourceID: "classifieds", URL: "http://classifieds.test/p/2",
		Title: "Drivers needed in Riyadh",
		Body:  "Pay the recruitment fee before travel. Passport kept by the company. WhatsApp only " + phone,
	}
	ur := recruitscan.Ad{ID: idUrdu, SourceID: "board", URL: "http://board.test/ads/3",
		Title: "دبئی میں نوکری",
		Body:  "ویزا فیس امیدوار ادا کرے گا۔ پاسپورٹ کمپنی کے پاس رہے گا۔",
	}
	xssTitle := `<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> free visa`
	xssBody := "Apply now <a href=\"javascript:window.__xss=3\">here</a> <iframe src=\"FOREIGN/frame\"></iframe>\n" +
		"<style>body{background:url(FOREIGN/css)}</style><img src=\"FOREIGN/img.png\">\n" +
		"<div style=\"position:fixed;inset:0\" onclick=\"window.__xss=4\">overlay</div>\n" +
		"Contract file: \u202Etxt.exe\u202C and pay the visa fee now. \u2067mixed\u2069"
	xssBody = strings.ReplaceAll(xssBody, "FOREIGN", foreign)
	xss := recruitscan.Ad{ID: idXSS, SourceID: "board", URL: "javascript:window.__xss=5",
		Title: xssTitle, Body: xssBody,
		Evidence: &recruitscan.Evidence{RequestURL: "http://board.test/x", FinalURL: "javascript:window.__xss=6", FetchedAt: t0,
			Status: 200, ContentType: "text/html", RawBody: []byte("<html><body><script>window.__xss=7</script>" + xssBody + "</body></html>")},
	}
	return []fixture{
		{ar, verdict(ar, "ar", recruitscan.LevelHigh, 9,
			span(t, ar.Body, "body", "تأشيرة حرة للبيع", "ar.visa_sale", recruitscan.VisaTrading),
			span(t, ar.Body, "body", "الدفع على العامل", "ar.worker_pays", recruitscan.WorkerPaysFees),
			span(t, ar.Body, "body", "الجواز يبقى مع الكفيل", "ar.passport_kept", recruitscan.DocumentRetention),
			span(t, ar.Body, "body", "واتساب فقط", "ar.whatsapp_only", recruitscan.AnonymousContact),
		)},
		{en, verdict(en, "en", recruitscan.LevelHigh, 8,
			span(t, en.Body, "body", "Pay the recruitment fee", "en.pay_fee", recruitscan.WorkerPaysFees),
			span(t, en.Body, "body", "Passport kept by the company", "en.passport_kept", recruitscan.DocumentRetention),
		)},
		{ur, verdict(ur, "ur", recruitscan.LevelMedium, 5,
			span(t, ur.Body, "body", "ویزا فیس امیدوار ادا کرے گا", "ur.visa_fee", recruitscan.WorkerPaysFees),
		)},
		{xss, withShadow(verdict(xss, "en", recruitscan.LevelMedium, 4,
			span(t, xss.Title, "title", "free visa", "en.free_visa", recruitscan.VisaTrading),
			span(t, xss.Body, "body", `<iframe src="`+foreign+`/frame">`, "en.test_markup", recruitscan.JobScam),
			span(t, xss.Body, "body", "pay the visa fee", "en.pay_fee", recruitscan.WorkerPaysFees),
		), span(t, xss.Body, "body", "Apply now", "en.shadow_apply_now", recruitscan.UrgencyPressure))},
	}
}

// withShadow adds a shadow-mode rule's would-be hit to v.
func withShadow(v recruitscan.Verdict, h recruitscan.Hit) recruitscan.Verdict {
	v.Shadow = append(v.Shadow, h)
	return v
}

func verdict(ad recruitscan.Ad, lang string, lvl recruitscan.Level, score float64, hits ...recruitscan.Hit) recruitscan.Verdict {
	v := recruitscan.Verdict{AdID: ad.ID, ContentHash: ad.ContentHash(), Lang: lang, Level: lvl, Score: score,
		Flagged: lvl >= recruitscan.LevelMedium, Hits: hits, RulesVersion: "test"}
	for _, h := range hits {
		if !containsIndicator(v.Indicators, h.Indicator) {
			v.Indicators = append(v.Indicators, h.Indicator)
		}
	}
	if i := strings.Index(ad.Body, phone); i >= 0 {
		v.Entities = append(v.Entities, recruitscan.Entity{Kind: recruitscan.EntityPhone, Value: phone, Field: "body", Start: i, End: i + len(phone), Text: phone})
	}
	return v
}

func containsIndicator(xs []recruitscan.Indicator, x recruitscan.Indicator) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// seed stores the fixtures (foreign: see fixtures).
func (e *env) seed(foreign string) {
	e.t.Helper()
	for _, f := range fixtures(e.t, foreign) {
		ad := f.ad
		if ad.Evidence != nil {
			ad.Evidence.BodySHA256 = sha256hex(string(ad.Evidence.RawBody))
		}
		if _, err := e.st.SaveResult(context.Background(), "", ad, f.v); err != nil {
			e.t.Fatalf("seed %s: %v", ad.ID, err)
		}
		e.clk.Advance(time.Second)
	}
}

// client is a browser-like HTTP client, logged in or not.
type client struct {
	c    *http.Client
	base string
	csrf string
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)
var loginCSRF = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// login logs user in through the form and returns the session.
func (e *env) login(user string) *client {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	s := &client{c: &http.Client{Jar: jar, CheckRedirect: noRedirect}, base: e.ts.URL}
	resp := s.do("GET", "/login", nil, "")
	m := loginCSRF.FindStringSubmatch(resp.body)
	if m == nil {
		e.t.Fatalf("login page has no csrf field:\n%s", resp.body)
	}
	resp = s.do("POST", "/login", url.Values{"username": {user}, "password": {testPassword}, "csrf": {m[1]}}, "")
	if resp.code != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d\n%s", user, resp.code, resp.body)
	}
	resp = s.do("GET", "/queue", nil, "")
	m = csrfMeta.FindStringSubmatch(resp.body)
	if m == nil {
		e.t.Fatalf("queue page for %s has no csrf meta (status %d)", user, resp.code)
	}
	s.csrf = m[1]
	return s
}

type response struct {
	code   int
	body   string
	header http.Header
}

// do sends a form (url.Values), JSON (any other non-nil body) or nothing,
// with a bearer token when token != "".
func (s *client) do(method, path string, body any, token string) response {
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	default:
		j, _ := json.Marshal(b)
		rd, ctype = strings.NewReader(string(j)), "application/json"
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		panic(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.c.Do(req)
	if err != nil {
		panic(fmt.Sprintf("%s %s: %v", method, path, err))
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{code: resp.StatusCode, body: string(b), header: resp.Header}
}

// anon returns a client with no session.
func (e *env) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{c: &http.Client{Jar: jar, CheckRedirect: noRedirect}, base: e.ts.URL}
}

// api calls the API with a bearer token and decodes a JSON answer into out.
func (e *env) api(t *testing.T, role recruitscan.Role, method, path string, body any, wantCode int, out any) response {
	t.Helper()
	r := e.anon().do(method, path, body, e.token[role])
	if r.code != wantCode {
		t.Fatalf("%s %s as %s: status %d, want %d\n%s", method, path, role, r.code, wantCode, r.body)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(r.body), out); err != nil {
			t.Fatalf("%s %s: decode %T: %v\n%s", method, path, out, err, r.body)
		}
	}
	return r
}
