package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/classifier"
)

func init() {
	register("scan", "classify ads from a JSONL file, a text file, stdin or a URL; no server needed", runScan)
}

// maxLine bounds one JSONL input line; longer lines are reported, not read.
const maxLine = 4 << 20

// scanResult is the scan JSONL contract (docs/design.md).
type scanResult struct {
	ID         string                  `json:"id"`
	Flagged    bool                    `json:"flagged"`
	Level      recruitscan.Level       `json:"level"`
	Score      float64                 `json:"score"`
	Lang       string                  `json:"lang"`
	Indicators []recruitscan.Indicator `json:"indicators"`
	Hits       []scanHit               `json:"hits"`
}

type scanHit struct {
	Rule      string                `json:"rule"`
	Indicator recruitscan.Indicator `json:"indicator"`
	Field     recruitscan.Field     `json:"field"`
	Start     int                   `json:"start"`
	End       int                   `json:"end"`
	Text      string                `json:"text"`
}

func toScanResult(id string, v recruitscan.Verdict) scanResult {
	r := scanResult{ID: id, Flagged: v.Flagged, Level: v.Level, Score: v.Score, Lang: v.Lang,
		Indicators: v.Indicators, Hits: make([]scanHit, 0, len(v.Hits))}
	if r.Indicators == nil {
		r.Indicators = []recruitscan.Indicator{}
	}
	for _, h := range v.Hits {
		r.Hits = append(r.Hits, scanHit{Rule: h.Rule, Indicator: h.Indicator, Field: h.Field, Start: h.Start, End: h.End, Text: h.Text})
	}
	return r
}

// scanInput is one line of JSONL input: at least id, title, body.
type scanInput struct {
	ID    *string `json:"id"`
	Title string  `json:"title"`
	Body  string  `json:"body"`
}

type scanJob struct {
	line int
	ad   recruitscan.Ad
	err  error
	out  chan scanDone
}

type scanDone struct {
	id string
	v  recruitscan.Verdict
}

func runScan(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	format := fs.String("format", "jsonl", "output: jsonl (one result per input line), json, or text (for a person)")
	input := fs.String("input", "auto", "input: auto, jsonl, or text (the whole input is one ad)")
	rf := addRuleFlags(fs)
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "classifier goroutines")
	allowPrivate := fs.Bool("allow-private", false, "let a URL reach loopback and private addresses (refused by default)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: recruitscan scan [flags] [FILE|URL|-]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("%w: scan takes one FILE, URL or - (stdin)", errUsage)
	}
	switch *format {
	case "jsonl", "json", "text":
	default:
		return fmt.Errorf("%w: --format %q: want jsonl, json or text", errUsage, *format)
	}
	c, err := rf.classifier()
	if err != nil {
		return err
	}
	src := "-"
	if fs.NArg() == 1 {
		src = fs.Arg(0)
	}
	w := bufio.NewWriter(env.Stdout)
	defer w.Flush()
	emit := newScanEmitter(*format, w)
	if isURL(src) {
		// A page is read as ads by the crawler; there is no input to parse.
		ads, err := fetchForScan(ctx, src, *allowPrivate)
		if err != nil {
			return err
		}
		for _, ad := range ads {
			if err := emit.emit(ad.ID, ad, c.Classify(ad)); err != nil {
				return err
			}
		}
		return emit.finish()
	}
	r, name, closeIn, err := openScanInput(env, src)
	if err != nil {
		return err
	}
	defer closeIn()
	br := bufio.NewReaderSize(r, 64<<10)
	kind := *input
	if kind == "auto" {
		kind = sniffInput(br)
	}
	var bad int
	switch kind {
	case "jsonl":
		bad, err = scanJSONL(ctx, c, br, name, *workers, env.Stderr, emit)
	case "text":
		var body []byte
		body, err = io.ReadAll(io.LimitReader(br, maxLine+1))
		if err == nil && len(body) > maxLine {
			err = fmt.Errorf("scan %s: input larger than %d bytes", name, maxLine)
		}
		if err == nil {
			title, rest := splitTitle(string(body))
			ad := recruitscan.Ad{ID: name, Title: title, Body: rest}
			err = emit.emit(ad.ID, ad, c.Classify(ad))
		}
	default:
		return fmt.Errorf("%w: --input %q: want auto, jsonl or text", errUsage, kind)
	}
	if err == nil {
		err = emit.finish()
	}
	if err != nil {
		return err
	}
	if bad > 0 {
		w.Flush()
		return &exitError{code: 1, err: fmt.Errorf("scan %s: %d malformed input line(s); see the errors above", name, bad)}
	}
	return nil
}

// sniffInput says jsonl when the first non-space byte is '{'.
func sniffInput(br *bufio.Reader) string {
	b, _ := br.Peek(512)
	b = bytes.TrimLeft(b, " \t\r\n\ufeff")
	if len(b) > 0 && b[0] == '{' {
		return "jsonl"
	}
	return "text"
}

// splitTitle takes the first line of a text ad as its title.
func splitTitle(s string) (string, string) {
	s = strings.TrimPrefix(s, "\ufeff")
	if i := strings.IndexByte(s, '\n'); i >= 0 && i < 300 {
		return strings.TrimSpace(s[:i]), s[i+1:]
	}
	return "", s
}

// scanJSONL classifies lines concurrently and writes results in input
// order. Malformed lines are reported on stderr with their line number (and
// id when it could be read) and counted; the rest is processed.
func scanJSONL(ctx context.Context, c *classifier.Classifier, br *bufio.Reader, name string, workers int, stderr io.Writer, emit scanEmitter) (int, error) {
	if workers < 1 {
		workers = 1
	}
	jobs := make(chan *scanJob, workers*4)
	order := make(chan *scanJob, workers*64) // bounds how far reading runs ahead of writing
	for i := 0; i < workers; i++ {
		go func() {
			for j := range jobs {
				j.out <- scanDone{id: j.ad.ID, v: c.Classify(j.ad)}
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(jobs)
		readErr <- readJSONL(ctx, br, name, func(j *scanJob) {
			order <- j
			if j.err == nil {
				jobs <- j
			}
		})
	}()
	bad := 0
	var werr error
	for j := range order {
		if j.err != nil {
			bad++
			fmt.Fprintln(stderr, j.err)
			continue
		}
		d := <-j.out
		if werr == nil {
			werr = emit.emit(d.id, j.ad, d.v)
		}
	}
	if err := <-readErr; err != nil {
		return bad, err
	}
	return bad, werr
}

func readJSONL(ctx context.Context, br *bufio.Reader, name string, send func(*scanJob)) error {
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		if line%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		send(parseScanLine(b, name, line))
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("scan %s:%d: line longer than %d bytes; stopped reading", name, line+1, maxLine)
		}
		return fmt.Errorf("scan %s:%d: %w", name, line+1, err)
	}
	return nil
}

func parseScanLine(b []byte, name string, line int) *scanJob {
	j := &scanJob{line: line, out: make(chan scanDone, 1)}
	var in scanInput
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&in); err != nil {
		j.err = fmt.Errorf("scan %s:%d%s: malformed JSON: %v", name, line, idHint(b), err)
		return j
	}
	if dec.More() {
		j.err = fmt.Errorf("scan %s:%d%s: more than one JSON value on the line", name, line, idHint(b))
		return j
	}
	if in.ID == nil || *in.ID == "" {
		j.err = fmt.Errorf("scan %s:%d: missing \"id\"", name, line)
		return j
	}
	j.ad = recruitscan.Ad{ID: *in.ID, Title: in.Title, Body: in.Body}
	return j
}

// idHint tries to name the id of a line that did not parse.
func idHint(b []byte) string {
	var probe struct {
		ID string `json:"id"`
	}
	if i := bytes.Index(b, []byte(`"id"`)); i >= 0 {
		// Decode just {"id": "..."} from the key onward.
		rest := b[i:]
		if j := bytes.IndexByte(rest, ','); j > 0 {
			if json.Unmarshal(append(append([]byte{'{'}, rest[:j]...), '}'), &probe) == nil && probe.ID != "" {
				return fmt.Sprintf(" (id %q)", probe.ID)
			}
		}
	}
	return ""
}

// openScanInput opens a file or stdin ("-").
func openScanInput(env *Env, src string) (io.Reader, string, func(), error) {
	if src == "-" {
		return env.Stdin, "stdin", func() {}, nil
	}
	f, err := os.Open(src)
	if err != nil {
		return nil, "", nil, fmt.Errorf("scan: %w", err)
	}
	return f, src, func() { f.Close() }, nil
}

func isURL(src string) bool {
	return strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://")
}
