package review

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/recruitscan/recruitscan"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed openapi.json
var openAPIDoc []byte

var funcs = template.FuncMap{
	"inert": inert,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	},
	"rfc3339": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"join": func(xs []recruitscan.Indicator) string {
		s := make([]string, len(xs))
		for i, x := range xs {
			s[i] = string(x)
		}
		return strings.Join(s, ", ")
	},
	"pct":        func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
	"score":      func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"indicators": recruitscan.Indicators,
	"levels":     func() []string { return []string{"high", "medium", "low", "none"} },
	"statuses":   func() []string { return []string{"pending", "claimed", "snoozed", "decided"} },
}

// parsePages parses each page with the shared layout.
func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, _ := fs.Glob(templateFS, "templates/*.html")
	pages := map[string]*template.Template{}
	for _, n := range names {
		short := strings.TrimPrefix(n, "templates/")
		if short == "layout.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		pages[strings.TrimSuffix(short, ".html")] = t
	}
	return pages, nil
}

// pageData is what every template gets.
type pageData struct {
	Title string
	User  *principal
	CSRF  string
	Data  any
}

// render executes a page into a buffer first, so a template error is a
// clean 500 and not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name, title string, p *principal, data any) {
	pg := pageData{Title: title, User: p, Data: data}
	if p != nil {
		pg.CSRF = p.CSRF
	}
	var buf bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&buf, "layout.html", pg); err != nil {
		s.log.Error("review: render", "page", name, "err", err)
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, code int, msg string) {
	p, _ := s.authenticate(r)
	s.render(w, r, code, "status", http.StatusText(code), p, map[string]any{"Code": code, "Message": msg})
}

func (s *Server) static(w http.ResponseWriter, r *http.Request, _ *principal) {
	sub, _ := fs.Sub(staticFS, "static")
	w.Header().Set("Cache-Control", "public, max-age=300")
	http.StripPrefix("/static/", http.FileServerFS(sub)).ServeHTTP(w, r)
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request, _ *principal) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDoc)
}

// safeNext keeps post-login redirects on this site: a local path only.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/queue"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/queue"
	}
	return next
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, p *principal) {
	s.showLogin(w, r, http.StatusOK, "")
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, code int, msg string) {
	tok := randomToken(24)
	s.setCookie(w, loginCookie, tok, time.Hour)
	s.render(w, r, code, "login", "Log in", nil, map[string]string{
		"Next": safeNext(r.FormValue("next")), "Error": msg, "LoginCSRF": tok,
	})
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request, _ *principal) {
	c, err := r.Cookie(loginCookie)
	if err != nil || !equalSecret(c.Value, r.PostFormValue(csrfField)) {
		s.showLogin(w, r, http.StatusForbidden, "The login form expired; please try again.")
		return
	}
	name, pw := strings.TrimSpace(r.PostFormValue("username")), r.PostFormValue("password")
	u, err := s.login(r, name, pw)
	if errors.Is(err, errRateLimited) {
		w.Header().Set("Retry-After", fmt.Sprint(int(s.cfg.LoginWindow/time.Second)))
		s.showLogin(w, r, http.StatusTooManyRequests, "Too many failed logins. Try again later.")
		return
	}
	if err != nil {
		s.showLogin(w, r, http.StatusUnauthorized, "Wrong user name or password.")
		return
	}
	id, _, err := s.newSession(r.Context(), u.Name)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.clearCookie(w, loginCookie)
	s.setCookie(w, sessionCookie, id, s.cfg.SessionTTL)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

// login checks a password under the per-user and per-IP failure limits,
// auditing both outcomes.
func (s *Server) login(r *http.Request, name, pw string) (User, error) {
	ip := clientIP(r, s.cfg.ClientIPHeader)
	ukey, ikey := "u:"+name, "ip:"+ip
	ctx := r.Context()
	if s.userLim.blocked(ctx, ukey) || s.ipLim.blocked(ctx, ikey) {
		return User{}, errRateLimited
	}
	u, ok := s.users[name]
	hash := s.dummyHash
	if ok {
		hash = u.PasswordHash
	}
	if !CheckPassword(hash, pw) || !ok || u.Disabled {
		if err := errors.Join(s.userLim.fail(ctx, ukey), s.ipLim.fail(ctx, ikey)); err != nil {
			s.log.Error("review: count failed login", "err", err)
		}
		who := inert(truncate(name, 64))
		if who == "" {
			who = "(no name)"
		}
		s.audit(ctx, &principal{Name: who}, "login_failed", "", "from "+ip)
		return User{}, fmt.Errorf("login %q: %w", name, recruitscan.ErrForbidden)
	}
	if err := s.userLim.reset(ctx, ukey); err != nil {
		s.log.Error("review: reset login failures", "err", err)
	}
	s.audit(ctx, &principal{Name: name}, "login", "", "from "+ip)
	return u, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, p *principal) {
	if p.sessionKey != "" {
		if err := s.kv.del(r.Context(), p.sessionKey); err != nil {
			s.fail(w, r, false, err)
			return
		}
		s.audit(r.Context(), p, "logout", "", "")
	}
	s.clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
