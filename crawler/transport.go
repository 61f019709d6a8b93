package crawler

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// newTransport is the HTTP transport of one source: every connection goes
// through the guard, no proxy from the environment (a proxy would dial for
// us, around the guard), header timeout, and bodies capped after
// decompression.
func newTransport(g *guard, cfg *Config, parallel int) *http.Transport {
	return &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			ctx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
			defer cancel()
			return g.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout:    cfg.ConnectTimeout,
		ResponseHeaderTimeout:  cfg.HeaderTimeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           4 * max(parallel, 1),
		MaxIdleConnsPerHost:    max(parallel, 1),
		IdleConnTimeout:        30 * time.Second,
		ForceAttemptHTTP2:      true,
	}
}

// capTransport binds requests that carry no context (Colly's robots.txt
// fetch) to the run's context, and caps every response body.
type capTransport struct {
	base    http.RoundTripper
	ctx     context.Context
	maxBody int64
}

func (t *capTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Context() == context.Background() {
		req = req.WithContext(t.ctx)
	}
	res, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if res.ContentLength > t.maxBody {
		res.Body.Close()
		return nil, fmt.Errorf("fetch %s: %w: content-length %d over %d", req.URL, ErrTooLarge, res.ContentLength, t.maxBody)
	}
	if !res.Uncompressed && isGzip(res) {
		// Decompress here, under the cap; Colly would otherwise gunzip a
		// sitemap.xml.gz with no limit at all.
		zr, err := gzip.NewReader(&capReader{rc: res.Body, max: t.maxBody, url: req.URL.String()})
		if err != nil {
			res.Body.Close()
			return nil, fmt.Errorf("fetch %s: gzip: %w", req.URL, err)
		}
		res.Body = struct {
			io.Reader
			io.Closer
		}{zr, res.Body}
		res.Header.Del("Content-Encoding")
		res.Header.Del("Content-Length")
		res.ContentLength = -1
		res.Uncompressed = true
	}
	res.Body = &capReader{rc: res.Body, max: t.maxBody, url: req.URL.String()}
	return res, nil
}

func isGzip(res *http.Response) bool {
	ce := strings.ToLower(res.Header.Get("Content-Encoding"))
	ct := strings.ToLower(res.Header.Get("Content-Type"))
	return strings.Contains(ce, "gzip") ||
		(ce == "" && strings.Contains(ct, "gzip")) ||
		strings.HasSuffix(strings.ToLower(res.Request.URL.Path), ".gz")
}

// capReader fails with ErrTooLarge once more than max bytes were read, so
// a huge or endless body costs at most max bytes of memory.
type capReader struct {
	rc   io.ReadCloser
	max  int64
	read int64
	url  string
}

func (r *capReader) Read(p []byte) (int, error) {
	if r.read > r.max {
		return 0, fmt.Errorf("fetch %s: %w: over %d bytes", r.url, ErrTooLarge, r.max)
	}
	if room := r.max + 1 - r.read; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := r.rc.Read(p)
	r.read += int64(n)
	if r.read > r.max {
		return n, fmt.Errorf("fetch %s: %w: over %d bytes", r.url, ErrTooLarge, r.max)
	}
	return n, err
}

func (r *capReader) Close() error { return r.rc.Close() }
