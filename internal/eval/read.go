package eval

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/recruitscan/recruitscan"
)

// ReadJSONL reads one labelled ad per line. A malformed line is an error
// naming its line number; every malformed line is reported.
func ReadJSONL(r io.Reader, name string) ([]Example, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var exs []Example
	var errs []error
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		var ex Example
		if err := json.Unmarshal(b, &ex); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w: %v", name, line, recruitscan.ErrInvalid, err))
			continue
		}
		ex.Line = line
		if ex.ID == "" {
			ex.ID = fmt.Sprintf("%s:%d", name, line)
		}
		exs = append(exs, ex)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s:%d: %w", name, line, err))
	}
	return exs, errors.Join(errs...)
}

// isPositive: pos may list several values separated by "|" ("1|t|true").
func isPositive(v, pos string) bool {
	for _, p := range strings.Split(pos, "|") {
		if strings.EqualFold(strings.TrimSpace(v), p) {
			return true
		}
	}
	return false
}

// CSVMap maps example fields to CSV columns. Title and Body may join
// several columns with "+" ("company_profile+description"). Label names
// the label column and Positive the value(s) that mean risky, "|"-separated
// ("1|t" for EMSCAD's fraudulent, written 1 or t in its two files).
type CSVMap struct {
	ID, Title, Body, Lang, Label, Positive string
}

// ParseCSVMap parses "title=col,body=a+b,label=fraudulent,positive=1".
func ParseCSVMap(s string) (CSVMap, error) {
	var m CSVMap
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return m, fmt.Errorf("csv map %q: want key=column: %w", kv, recruitscan.ErrInvalid)
		}
		switch k {
		case "id":
			m.ID = v
		case "title":
			m.Title = v
		case "body":
			m.Body = v
		case "lang":
			m.Lang = v
		case "label":
			m.Label = v
		case "positive":
			m.Positive = v
		default:
			return m, fmt.Errorf("csv map key %q: want id, title, body, lang, label or positive: %w", k, recruitscan.ErrInvalid)
		}
	}
	return m, nil
}

// ReadCSV reads ads from a CSV file with a header row. Without a mapping
// the columns are guessed: title, body or description, label.
func ReadCSV(r io.Reader, name string, m CSVMap) ([]Example, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: read header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	m = guessMap(m, col)
	if m.Title == "" && m.Body == "" {
		return nil, fmt.Errorf("%s: no title or body column (have %s): %w", name, strings.Join(head, ", "), recruitscan.ErrInvalid)
	}
	for _, c := range strings.Split(m.Title+"+"+m.Body+"+"+m.Label+"+"+m.ID, "+") {
		if _, ok := col[strings.ToLower(c)]; c != "" && !ok {
			return nil, fmt.Errorf("%s: no column %q (have %s): %w", name, c, strings.Join(head, ", "), recruitscan.ErrInvalid)
		}
	}
	var exs []Example
	for rec := 1; ; rec++ {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return exs, fmt.Errorf("%s: record %d: %w", name, rec, err)
		}
		exs = append(exs, rowExample(row, col, m, name, rec))
	}
	return exs, nil
}

func guessMap(m CSVMap, col map[string]int) CSVMap {
	pick := func(cur string, names ...string) string {
		if cur != "" {
			return cur
		}
		for _, n := range names {
			if _, ok := col[n]; ok {
				return n
			}
		}
		return ""
	}
	m.Title = pick(m.Title, "title")
	m.Body = pick(m.Body, "body", "description")
	m.Label = pick(m.Label, "label")
	if m.Positive == "" {
		m.Positive = "risky"
	}
	return m
}

func rowExample(row []string, col map[string]int, m CSVMap, name string, rec int) Example {
	get := func(spec string) string {
		var parts []string
		for _, c := range strings.Split(spec, "+") {
			if i, ok := col[strings.ToLower(c)]; ok && c != "" && i < len(row) && strings.TrimSpace(row[i]) != "" {
				parts = append(parts, row[i])
			}
		}
		return strings.Join(parts, "\n")
	}
	ex := Example{ID: get(m.ID), Title: get(m.Title), Body: get(m.Body), Lang: get(m.Lang), Line: rec}
	if ex.ID == "" {
		ex.ID = fmt.Sprintf("%s#%d", name, rec)
	}
	if m.Label != "" {
		if isPositive(get(m.Label), m.Positive) {
			ex.Label = "risky"
		} else {
			ex.Label = "benign"
		}
	}
	return ex
}
