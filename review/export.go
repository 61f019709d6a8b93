package review

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/recruitscan/recruitscan"
)

func (s *Server) apiExportDecisions(w http.ResponseWriter, r *http.Request, p *principal) {
	q := r.URL.Query()
	from, to, err := s.timeRange(q)
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	format := q.Get("format")
	if format == "" {
		format = "jsonl"
	}
	if format != "csv" && format != "jsonl" {
		s.fail(w, r, true, fmt.Errorf("query parameter format %q: %w (want csv or jsonl)", format, recruitscan.ErrInvalid))
		return
	}
	es, err := s.cfg.Store.Decisions(r.Context(), from, to)
	if err != nil {
		s.fail(w, r, true, fmt.Errorf("decisions: %w", err))
		return
	}
	s.audit(r.Context(), p, "export_decisions", "", fmt.Sprintf("%s %s..%s, %d entries", format, from.Format(time.RFC3339), to.Format(time.RFC3339), len(es)))
	name := fmt.Sprintf("decisions-%s-%s.%s", from.Format("20060102"), to.Format("20060102"), format)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = writeDecisionsCSV(w, es)
	} else {
		w.Header().Set("Content-Type", "application/x-ndjson")
		err = writeJSONL(w, es)
	}
	if err != nil {
		s.log.Error("review: export decisions", "err", err)
	}
}

// writeDecisionsCSV writes one row per decision. Cells that a spreadsheet
// would run as a formula are prefixed with a quote.
func writeDecisionsCSV(w io.Writer, es []recruitscan.AuditEntry) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"at", "item_id", "reviewer", "action", "before", "decision", "note"})
	for _, e := range es {
		cw.Write([]string{e.At.UTC().Format(time.RFC3339), cell(e.ItemID), cell(e.Actor), cell(e.Action), cell(e.Before), cell(e.After), cell(e.Note)})
	}
	cw.Flush()
	return cw.Error()
}

func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func writeJSONL[T any](w io.Writer, xs []T) error {
	enc := json.NewEncoder(w)
	for _, x := range xs {
		if err := enc.Encode(x); err != nil {
			return err
		}
	}
	return nil
}

// safeID: ad ids become zip paths, so only plain characters pass.
var safeID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// maxExportAds bounds one evidence bundle.
const maxExportAds = 200

// exportIDs reads ids=a,b and, with linked=true, adds the ads that share a
// contact entity with them (one hop).
func (s *Server) exportIDs(ctx context.Context, ids string, linked bool) ([]string, error) {
	var out []string
	for _, id := range strings.Split(ids, ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		if !safeID.MatchString(id) {
			return nil, fmt.Errorf("query parameter ids: %q: %w", id, recruitscan.ErrInvalid)
		}
		if !containsString(out, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("query parameter ids: %w: at least one ad id", recruitscan.ErrInvalid)
	}
	if linked {
		for _, id := range append([]string(nil), out...) {
			a, err := s.cfg.Store.Ad(ctx, id)
			if err != nil {
				return nil, fmt.Errorf("ad %s: %w", id, err)
			}
			for _, e := range a.Verdict.Entities {
				if e.Kind == recruitscan.EntityMoney {
					continue
				}
				more, err := s.cfg.Store.AdsWithEntity(ctx, e.Kind, e.Value, maxExportAds)
				if err != nil {
					return nil, fmt.Errorf("ads with %s: %w", e.Kind, err)
				}
				for _, m := range more {
					if safeID.MatchString(m) && !containsString(out, m) {
						out = append(out, m)
					}
				}
			}
		}
	}
	if len(out) > maxExportAds {
		return nil, fmt.Errorf("query parameter ids: %w: more than %d ads", recruitscan.ErrInvalid, maxExportAds)
	}
	return out, nil
}

func (s *Server) apiExportEvidence(w http.ResponseWriter, r *http.Request, p *principal) {
	q := r.URL.Query()
	ids, err := s.exportIDs(r.Context(), q.Get("ids"), q.Get("linked") == "true")
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	var buf bytes.Buffer
	if err := s.writeEvidence(r.Context(), &buf, ids, p.Name); err != nil {
		s.fail(w, r, true, err)
		return
	}
	s.audit(r.Context(), p, "export_evidence", ids[0], "ads "+strings.Join(ids, ","))
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="evidence-%s.zip"`, ids[0]))
	w.Write(buf.Bytes())
}

// bundle collects zip entries and their SHA-256 for the manifest.
type bundle struct {
	zw   *zip.Writer
	sums map[string]string
}

func (b *bundle) add(name string, data []byte) error {
	f, err := b.zw.Create(name)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	b.sums[name] = hex.EncodeToString(sum[:])
	return nil
}

func (b *bundle) addJSON(name string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return b.add(name, append(data, '\n'))
}

// writeEvidence writes the zip: per ad its ad.json, verdict.json, raw
// capture, review item and audit history; then MANIFEST.sha256 in
// sha256sum format, which `sha256sum -c` verifies.
func (s *Server) writeEvidence(ctx context.Context, w io.Writer, ids []string, by string) error {
	b := &bundle{zw: zip.NewWriter(w), sums: map[string]string{}}
	info := map[string]any{"exported_at": s.cfg.Clock.Now().UTC(), "exported_by": by, "ads": ids}
	if err := b.addJSON("export.json", info); err != nil {
		return fmt.Errorf("export evidence: %w", err)
	}
	for _, id := range ids {
		if err := s.addAd(ctx, b, id); err != nil {
			return fmt.Errorf("export evidence: %w", err)
		}
	}
	names := make([]string, 0, len(b.sums))
	for n := range b.sums {
		names = append(names, n)
	}
	sort.Strings(names)
	var m strings.Builder
	for _, n := range names {
		fmt.Fprintf(&m, "%s  %s\n", b.sums[n], n)
	}
	f, err := b.zw.Create("MANIFEST.sha256")
	if err == nil {
		_, err = io.WriteString(f, m.String())
	}
	if err == nil {
		err = b.zw.Close()
	}
	if err != nil {
		return fmt.Errorf("export evidence: %w", err)
	}
	return nil
}

func (s *Server) addAd(ctx context.Context, b *bundle, id string) error {
	a, err := s.cfg.Store.Ad(ctx, id)
	if err != nil {
		return fmt.Errorf("ad %s: %w", id, err)
	}
	dir := "ads/" + id + "/"
	ad := a.Ad
	meta := map[string]any{"ad": ad, "version": a.Version, "versions": a.Versions,
		"first_seen": a.FirstSeen, "last_seen": a.LastSeen, "removed_at": a.RemovedAt}
	if err := b.addJSON(dir+"ad.json", meta); err != nil {
		return err
	}
	if err := b.addJSON(dir+"verdict.json", a.Verdict); err != nil {
		return err
	}
	raw, err := s.cfg.Store.RawBody(ctx, id)
	if err != nil && !errors.Is(err, recruitscan.ErrNotFound) {
		return fmt.Errorf("raw capture of %s: %w", id, err)
	}
	if len(raw) > 0 {
		if err := b.add(dir+"raw-capture.bin", raw); err != nil {
			return err
		}
	}
	if it, err := s.cfg.Store.Item(ctx, id); err == nil {
		if err := b.addJSON(dir+"item.json", it); err != nil {
			return err
		}
	} else if !errors.Is(err, recruitscan.ErrNotFound) {
		return fmt.Errorf("item %s: %w", id, err)
	}
	hist, err := s.cfg.Store.Audit(ctx, id, 1000)
	if err != nil {
		return fmt.Errorf("history of %s: %w", id, err)
	}
	var jl bytes.Buffer
	if err := writeJSONL(&jl, hist); err != nil {
		return err
	}
	return b.add(dir+"audit.jsonl", jl.Bytes())
}
