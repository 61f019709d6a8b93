package demoworld

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
)

func TestWriteJSONL(t *testing.T) {
	ads, err := LoadAds()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, ads); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	i := 0
	for ; sc.Scan(); i++ {
		var got jsonlAd
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		a := ads[i]
		if got.ID != a.ID || got.Title != a.Title || got.Body != a.Body || got.Label != a.Label || got.SourceKind == "" {
			t.Errorf("line %d: %+v does not match ad %s", i+1, got, a.ID)
		}
		if a.Label == Benign && len(got.Indicators) != 0 || a.Risky() && len(got.Indicators) != len(a.Indicators) {
			t.Errorf("line %d: indicators %v, ad has %v", i+1, got.Indicators, a.Indicators)
		}
	}
	if i != len(ads) {
		t.Errorf("%d lines, %d ads", i, len(ads))
	}
}

func TestDomainAd(t *testing.T) {
	w := startWorld(t)
	a := w.Ads()[0]
	d := a.Domain()
	if d.ID != a.ID || d.SourceID != a.SourceID || d.URL != a.URL || d.Title != a.Title || d.Body != a.Body || !d.PostedAt.Equal(a.Posted) {
		t.Errorf("Domain() = %+v for %+v", d, a)
	}
}
