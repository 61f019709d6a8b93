package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
)

const devCorpus = "../../../shared/data/dev-ads.jsonl"

func runCmd(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Env: &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}}
	err = m.Run(context.Background(), args)
	return out.String(), errb.String(), err
}

// TestScanJSONLKeepsOrder: one result per input line, in input order,
// with the contract's fields.
func TestScanJSONLKeepsOrder(t *testing.T) {
	in, err := os.ReadFile(devCorpus)
	if err != nil {
		t.Fatalf("dev corpus: %v", err)
	}
	var ids []string
	sc := bufio.NewScanner(bytes.NewReader(in))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var v struct{ ID string }
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, v.ID)
	}
	out, stderr, err := runCmd(t, string(in), "scan", "--format", "jsonl", "--workers", "4")
	if err != nil {
		t.Fatalf("scan: %v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != len(ids) {
		t.Fatalf("%d output lines for %d input lines", len(lines), len(ids))
	}
	flagged := 0
	for i, l := range lines {
		var r map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, l)
		}
		for _, k := range []string{"id", "flagged", "level", "score", "lang", "indicators", "hits"} {
			if _, ok := r[k]; !ok {
				t.Errorf("line %d lacks %q: %s", i+1, k, l)
			}
		}
		var id string
		json.Unmarshal(r["id"], &id)
		if id != ids[i] {
			t.Fatalf("line %d: id %q, want %q (order lost)", i+1, id, ids[i])
		}
		if string(r["flagged"]) == "true" {
			flagged++
		}
	}
	if flagged == 0 || flagged == len(ids) {
		t.Errorf("flagged %d of %d: the corpus is half risky", flagged, len(ids))
	}
}

// TestScanMalformedLines: bad lines are named on stderr with their line
// number, the rest still processed, and the exit is non-zero at the end.
func TestScanMalformedLines(t *testing.T) {
	in := `{"id":"a","title":"Driver wanted","body":"Company pays visa and ticket."}
{"id":"b","title":"broken",
{"title":"no id","body":"x"}
{"id":"c","title":"فيزا حرة","body":"فيزا حرة للبيع، التواصل واتساب فقط"}
`
	out, stderr, err := runCmd(t, in, "scan")
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 {
		t.Fatalf("err = %v, want exit 1", err)
	}
	for _, want := range []string{"stdin:2", "malformed JSON", "stdin:3", `missing "id"`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"id":"a"`) || !strings.Contains(lines[1], `"id":"c"`) {
		t.Errorf("output = %q, want results for a and c in order", out)
	}
}

// TestScanTextArabic: the form for a person names the language, the level
// and each matched phrase with its indicator.
func TestScanTextArabic(t *testing.T) {
	ad := "عاملة منزلية للتنازل\nعاملة منزلية للتنازل، الجنسية كينية، العمر 24 سنة، مبلغ التنازل 12000 ريال، الجواز عندنا، التواصل واتساب فقط\n"
	out, stderr, err := runCmd(t, ad, "scan", "--format", "text")
	if err != nil {
		t.Fatalf("scan: %v\n%s", err, stderr)
	}
	for _, want := range []string{"language ar", "FLAGGED", "person_transfer_sale", "للتنازل"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "level high") && !strings.Contains(out, "level medium") {
		t.Errorf("text output names no flagged level:\n%s", out)
	}
}

func TestScanUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"scan", "--format", "xml"}, {"scan", "a", "b"}, {"nosuch"}} {
		_, _, err := runCmd(t, "", args...)
		if !errors.Is(err, errUsage) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
	_, _, err := runCmd(t, "", "scan", "/nonexistent/ads.jsonl")
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/ads.jsonl") {
		t.Errorf("missing file: err = %v", err)
	}
}

// TestScanURL: a page is fetched through the crawler's guard: loopback is
// refused unless allowed, and an allowed page is read as one ad.
func TestScanURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<html><head><title>Jobs</title><script>alert(1)</script></head><body><main><h1>Free visa available</h1><p>Azad visa for sale, pay 9,500 SAR, WhatsApp only.</p></main></body></html>`)
	}))
	defer srv.Close()
	_, _, err := runCmd(t, "", "scan", srv.URL+"/ad/1")
	if err == nil {
		t.Fatal("scan of a loopback URL without --allow-private succeeded")
	}
	out, stderr, err := runCmd(t, "", "scan", "--allow-private", "--format", "jsonl", srv.URL+"/ad/1")
	if err != nil {
		t.Fatalf("scan: %v\n%s", err, stderr)
	}
	var r struct {
		ID         string
		Indicators []string
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	if !strings.HasPrefix(r.ID, srv.URL) || !slices.Contains(r.Indicators, "visa_trading") {
		t.Errorf("result %+v: want the page's URL as id and visa_trading", r)
	}
}
