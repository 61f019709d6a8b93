package crawler

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nlnwa/gowarc"
)

// warcWriter writes the raw exchanges of one source's run to WARC 1.1
// files (gzip per record) in Config.WARCDir, a new file each time one
// passes Config.WARCMaxBytes. nil writes nothing.
type warcWriter struct {
	w   *gowarc.WarcFileWriter
	log *slog.Logger
}

func newWARC(cfg *Config, source string) *warcWriter {
	if cfg.WARCDir == "" {
		return nil
	}
	names := &warcNames{dir: cfg.WARCDir, prefix: "recruitscan-" + unsafeName.ReplaceAllString(source, "_")}
	return &warcWriter{
		w: gowarc.NewWarcFileWriter(
			gowarc.WithFileNameGenerator(names),
			gowarc.WithMaxFileSize(cfg.WARCMaxBytes),
			gowarc.WithCompression(true),
			gowarc.WithAddWarcConcurrentToHeader(true),
			gowarc.WithWarcInfoFunc(func(b gowarc.WarcRecordBuilder) error {
				_, err := b.WriteString("software: recruitscan crawler\r\nformat: WARC File Format 1.1\r\n")
				return err
			})),
		log: cfg.Logger,
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

// warcNames names files <prefix>-<time>-<pid>-<serial>.warc, unique
// across the workers sharing a directory. (gowarc's own generator looks
// up the host's outbound address, which this package does not do.)
type warcNames struct {
	dir, prefix string
	serial      atomic.Int64
}

func (g *warcNames) NewWarcfileName() (string, string) {
	return g.dir, fmt.Sprintf("%s-%s-%d-%05d.warc", g.prefix, time.Now().UTC().Format("20060102150405.000000000"),
		os.Getpid(), g.serial.Add(1))
}

// exchange writes one request and its response. The response's body is
// as the crawler read it: transfer and content encodings removed (the
// headers say so by their absence and a matching Content-Length). A
// failure is logged, never fails the fetch.
func (ww *warcWriter) exchange(u *url.URL, req http.Header, h *hop, at time.Time) {
	if ww == nil || h.status == 0 {
		return
	}
	var rq bytes.Buffer
	fmt.Fprintf(&rq, "GET %s HTTP/1.1\r\nHost: %s\r\n", u.RequestURI(), u.Host)
	req.Write(&rq)
	rq.WriteString("\r\n")
	var rs bytes.Buffer
	fmt.Fprintf(&rs, "HTTP/1.1 %d %s\r\n", h.status, http.StatusText(h.status))
	hdr := h.header.Clone()
	hdr.Del("Content-Encoding")
	hdr.Del("Transfer-Encoding")
	hdr.Set("Content-Length", strconv.Itoa(len(h.body)))
	hdr.Write(&rs)
	rs.WriteString("\r\n")
	rs.Write(h.body)
	reqRec, err := ww.record(gowarc.Request, "request", u, at, rq.Bytes())
	if err != nil {
		ww.log.Warn("warc record", "url", u.String(), "err", err)
		return
	}
	respRec, err := ww.record(gowarc.Response, "response", u, at, rs.Bytes())
	if err != nil {
		reqRec.Close()
		ww.log.Warn("warc record", "url", u.String(), "err", err)
		return
	}
	for _, r := range ww.w.Write(respRec, reqRec) {
		if r.Err != nil {
			ww.log.Warn("warc write", "url", u.String(), "file", r.FileName, "err", r.Err)
		}
	}
	respRec.Close()
	reqRec.Close()
}

func (ww *warcWriter) record(t gowarc.RecordType, msg string, u *url.URL, at time.Time, block []byte) (gowarc.WarcRecord, error) {
	b := gowarc.NewRecordBuilder(t)
	if _, err := b.Write(block); err != nil {
		b.Close()
		return nil, err
	}
	b.AddWarcHeader(gowarc.WarcTargetURI, u.String())
	b.AddWarcHeaderTime(gowarc.WarcDate, at)
	b.AddWarcHeader(gowarc.ContentType, "application/http;msgtype="+msg)
	rec, _, err := b.Build()
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("warc %s %s: %w", msg, u, err)
	}
	return rec, nil
}

// close finishes the current file (renaming it from .open).
func (ww *warcWriter) close() {
	if ww == nil {
		return
	}
	if err := ww.w.Close(); err != nil {
		ww.log.Warn("warc close", "err", err)
	}
}

// warcDir checks Config.WARCDir, creating it when missing.
func warcDir(dir string) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Clean(dir), 0o750); err != nil {
		return fmt.Errorf("warc_dir: %w", err)
	}
	return nil
}
