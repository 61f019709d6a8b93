package crawler

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// dropParams are query parameters that never select content: session ids
// and tracking tags. Removing them collapses duplicates and traps.
var dropParams = map[string]bool{
	"sid": true, "sessionid": true, "session_id": true, "phpsessid": true,
	"jsessionid": true, "aspsessionid": true, "cfid": true, "cftoken": true,
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true,
	"igshid": true, "mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true,
	"trk": true, "trackingid": true, "refid": true, "spm": true, "ref_src": true,
}

// pathSession matches ";jsessionid=…" style path parameters.
var pathSession = regexp.MustCompile(`(?i);(jsessionid|phpsessid|sid|sessionid)=[^/?]*`)

func dropParam(name string) bool {
	n := strings.ToLower(name)
	return dropParams[n] || strings.HasPrefix(n, "utm_") || strings.HasPrefix(n, "aspsessionid")
}

// Canonicalize returns the canonical form of an absolute http(s) URL:
// lower-case scheme and host, no default port, no fragment, no session
// ids or tracking parameters, the remaining parameters sorted. Two URLs
// that show the same page should canonicalise alike; the frontier and
// ad ids use this form.
func Canonicalize(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("canonicalize %q: %w", raw, err)
	}
	return canonURL(u)
}

func canonURL(u *url.URL) (string, error) {
	c := *u
	c.Scheme = strings.ToLower(c.Scheme)
	if c.Scheme != "http" && c.Scheme != "https" {
		return "", fmt.Errorf("canonicalize %q: %w: scheme %q", u.String(), ErrBadURL, c.Scheme)
	}
	if c.Host == "" {
		return "", fmt.Errorf("canonicalize %q: %w: no host", u.String(), ErrBadURL)
	}
	c.User = nil
	c.Fragment, c.RawFragment = "", ""
	c.Host = canonHost(c.Scheme, c.Host)
	if c.Hostname() == "" {
		return "", fmt.Errorf("canonicalize %q: %w: no host", u.String(), ErrBadURL)
	}
	c.Path = pathSession.ReplaceAllString(c.Path, "")
	c.RawPath = ""
	if c.Path == "" {
		c.Path = "/"
	}
	c.RawQuery = canonQuery(c.RawQuery)
	c.ForceQuery = false
	return c.String(), nil
}

func canonHost(scheme, host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if scheme == "http" {
		host = strings.TrimSuffix(host, ":80")
	} else {
		host = strings.TrimSuffix(host, ":443")
	}
	return host
}

func canonQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		// Keep what parsed; a broken pair is dropped rather than kept
		// verbatim so that junk cannot make endless distinct URLs.
		q, _ = url.ParseQuery(strings.ReplaceAll(raw, ";", "&"))
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		if !dropParam(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		vs := q[k]
		sort.Strings(vs)
		for _, v := range vs {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String()
}

// resolveRef resolves href against base and canonicalises it; it returns
// "" for links that are not http(s) pages (mailto:, javascript:, tel:).
func resolveRef(base *url.URL, href string) string {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return ""
	}
	r, err := url.Parse(href)
	if err != nil {
		return ""
	}
	s, err := canonURL(base.ResolveReference(r))
	if err != nil {
		return ""
	}
	return s
}
