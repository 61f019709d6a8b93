package review

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/recruitscan/recruitscan"
)

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, s)
	}
}

// TestAPIReviewCycle drives one reviewer's day over the API with a bearer
// token: list, claim, read, note, heartbeat, decide; the item leaves the
// queue; history, exports and lead statistics show the decision.
func TestAPIReviewCycle(t *testing.T) {
	e := newEnv(t)
	e.seed("")
	var q queueResponse
	e.api(t, reviewer, "GET", "/api/v1/queue", nil, http.StatusOK, &q)
	if q.Total != 4 || len(q.Items) != 4 {
		t.Fatalf("queue: total %d, %d items; want 4", q.Total, len(q.Items))
	}
	first := q.Items[0]
	if first.Level != recruitscan.LevelHigh || first.Title == "" || first.Lang == "" || len(first.Indicators) == 0 || first.Score == 0 {
		t.Errorf("first queued item lacks fields: %+v", first)
	}
	var hi queueResponse
	e.api(t, reviewer, "GET", "/api/v1/queue?level=medium&lang=ur", nil, http.StatusOK, &hi)
	if hi.Total != 1 || hi.Items[0].ID != idUrdu {
		t.Errorf("filtered queue: %+v, want only the Urdu ad", hi)
	}

	var it recruitscan.ReviewItem
	e.api(t, reviewer, "POST", "/api/v1/queue/claim", nil, http.StatusOK, &it)
	if it.Status != recruitscan.StatusClaimed || it.ClaimedBy != "token:bot-reviewer" {
		t.Fatalf("claimed %+v", it)
	}
	var view itemJSON
	e.api(t, reviewer, "GET", "/api/v1/items/"+it.ID, nil, http.StatusOK, &view)
	if view.Item == nil || view.Ad.ID != it.ID || len(view.Verdict.Hits) == 0 {
		t.Fatalf("item view: %+v", view)
	}
	e.api(t, reviewer, "POST", "/api/v1/items/"+it.ID+"/note", map[string]string{"note": "same phone as last week"}, http.StatusOK, nil)
	e.clk.Advance(5 * time.Minute)
	var hb heartbeatResponse
	e.api(t, reviewer, "POST", "/api/v1/items/"+it.ID+"/heartbeat", nil, http.StatusOK, &hb)
	if want := e.clk.Now().Add(10 * time.Minute); !hb.LeaseUntil.Equal(want) || hb.LeaseSeconds != 600 {
		t.Errorf("heartbeat %+v, want lease until %v, 600 s", hb, want)
	}
	e.api(t, reviewer, "POST", "/api/v1/items/"+it.ID+"/decision", `{"decision":"maybe"}`, http.StatusBadRequest, nil)
	e.api(t, reviewer, "POST", "/api/v1/items/"+it.ID+"/decision", `{"decision":"confirm","extra":1}`, http.StatusBadRequest, nil)
	var decided recruitscan.ReviewItem
	e.api(t, reviewer, "POST", "/api/v1/items/"+it.ID+"/decision", map[string]string{"decision": "confirm", "note": "visa trading"}, http.StatusOK, &decided)
	if decided.Status != recruitscan.StatusDecided || decided.Decision != recruitscan.DecisionConfirm {
		t.Fatalf("decided %+v", decided)
	}
	e.api(t, reviewer, "POST", "/api/v1/items/"+it.ID+"/decision", map[string]string{"decision": "dismiss"}, http.StatusConflict, nil)

	e.api(t, reviewer, "GET", "/api/v1/queue", nil, http.StatusOK, &q)
	for _, x := range q.Items {
		if x.ID == it.ID {
			t.Errorf("decided item %s still in the queue", it.ID)
		}
	}
	if q.Total != 3 {
		t.Errorf("queue after decision: total %d, want 3", q.Total)
	}

	var hist struct{ Entries []recruitscan.AuditEntry }
	e.api(t, reviewer, "GET", "/api/v1/items/"+it.ID+"/history", nil, http.StatusOK, &hist)
	var actions []string
	for _, h := range hist.Entries {
		actions = append(actions, h.Action)
	}
	if s := strings.Join(actions, " "); !strings.Contains(s, "claim") || !strings.Contains(s, "note") || !strings.Contains(s, "decide") {
		t.Errorf("history actions %q: want claim, note and decide", s)
	}

	r := e.api(t, lead, "GET", "/api/v1/export/decisions?format=csv", nil, http.StatusOK, nil)
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][1] != it.ID || rows[1][2] != "token:bot-reviewer" || !strings.HasSuffix(rows[1][5], "confirm") {
		t.Errorf("decisions CSV (%v):\n%s", err, r.body)
	}
	r = e.api(t, lead, "GET", "/api/v1/export/decisions?format=jsonl&from=2026-01-01", nil, http.StatusOK, nil)
	if lines := strings.Split(strings.TrimSpace(r.body), "\n"); len(lines) != 1 || !strings.Contains(lines[0], it.ID) {
		t.Errorf("decisions JSONL:\n%s", r.body)
	}

	var rs struct{ Reviewers []ReviewerStats }
	e.api(t, lead, "GET", "/api/v1/stats/reviewers", nil, http.StatusOK, &rs)
	if len(rs.Reviewers) != 1 || rs.Reviewers[0].Decisions[recruitscan.DecisionConfirm] != 1 {
		t.Errorf("reviewer stats %+v", rs)
	}
	var rules struct{ Rules []RuleStats }
	e.api(t, lead, "GET", "/api/v1/stats/rules", nil, http.StatusOK, &rules)
	if len(rules.Rules) == 0 {
		t.Fatal("no rule stats after a decision")
	}
	for _, x := range rules.Rules {
		if x.Decided != 1 || x.Confirmed != 1 || x.Precision != 1 {
			t.Errorf("rule stats %+v, want 1/1", x)
		}
	}

	e.api(t, reviewer, "GET", "/api/v1/queue?level=extreme", nil, http.StatusBadRequest, nil)
	e.api(t, reviewer, "GET", "/api/v1/items/nope", nil, http.StatusNotFound, nil)
}

func TestClaimEmptyQueue(t *testing.T) {
	e := newEnv(t)
	var body map[string]string
	e.api(t, reviewer, "POST", "/api/v1/queue/claim", nil, http.StatusNotFound, &body)
	if body["code"] != "queue_empty" {
		t.Errorf("empty claim body %v, want code queue_empty", body)
	}
}

func TestPrecisionPerRuleAndLanguage(t *testing.T) {
	e := newEnv(t)
	e.seed("")
	for id, d := range map[string]string{idArabic: "confirm", idEnglish: "dismiss", idUrdu: "escalate", idXSS: "needs-second-look"} {
		e.api(t, lead, "POST", "/api/v1/items/"+id+"/decision", map[string]string{"decision": d}, http.StatusOK, nil)
	}
	var got struct{ Rules []RuleStats }
	e.api(t, lead, "GET", "/api/v1/stats/rules", nil, http.StatusOK, &got)
	by := map[string]RuleStats{}
	for _, r := range got.Rules {
		by[r.Rule+"/"+r.Lang] = r
	}
	for key, want := range map[string][2]int{
		"en.pay_fee/":       {1, 0}, // the English ad was dismissed; the XSS ad is only "second look"
		"en.pay_fee/en":     {1, 0},
		"ar.visa_sale/ar":   {1, 1},
		"ur.visa_fee/ur":    {1, 1}, // escalated counts as confirmed
		"en.passport_kept/": {1, 0},
	} {
		r, ok := by[key]
		if !ok || r.Decided != want[0] || r.Confirmed != want[1] {
			t.Errorf("%s: %+v (found %v), want decided %d confirmed %d", key, r, ok, want[0], want[1])
		}
	}
	if _, ok := by["en.free_visa/"]; ok {
		t.Error("a needs-second-look decision counted toward precision")
	}
	// The XSS ad (with a shadow rule) is decided now: the shadow rule gets
	// its own row, marked shadow.
	e.api(t, lead, "POST", "/api/v1/items/"+idXSS+"/decision", map[string]string{"decision": "confirm"}, http.StatusOK, nil)
	e.api(t, lead, "GET", "/api/v1/stats/rules", nil, http.StatusOK, &got)
	found := false
	for _, r := range got.Rules {
		if r.Rule == "en.shadow_apply_now" {
			found = true
			if !r.Shadow || r.Decided != 1 || r.Confirmed != 1 {
				t.Errorf("shadow rule stats %+v, want shadow 1/1", r)
			}
		}
	}
	if !found {
		t.Error("no stats for the shadow rule")
	}
}

func TestTokensLifecycle(t *testing.T) {
	e := newEnv(t)
	var created struct {
		Token  TokenInfo
		Secret string
	}
	e.api(t, admin, "POST", "/api/v1/tokens", map[string]string{"name": "nightly", "role": "lead"}, http.StatusCreated, &created)
	if !strings.HasPrefix(created.Secret, tokenPrefix) || created.Token.Role != lead {
		t.Fatalf("created %+v", created)
	}
	var me map[string]any
	r := e.anon().do("GET", "/api/v1/me", nil, created.Secret)
	mustJSON(t, r.body, &me)
	if me["role"] != "lead" || me["name"] != "token:nightly" {
		t.Errorf("me with new token: %v", me)
	}
	// The secret is not stored in Redis, only its hash.
	keys, _ := e.rdb.Keys(t.Context(), "*").Result()
	for _, k := range keys {
		if v, _ := e.rdb.Dump(t.Context(), k).Result(); strings.Contains(v, created.Secret) {
			t.Errorf("redis key %s holds the token secret", k)
		}
	}
	var list struct{ Tokens []TokenInfo }
	e.api(t, admin, "GET", "/api/v1/tokens", nil, http.StatusOK, &list)
	if len(list.Tokens) != 4 {
		t.Errorf("tokens: %+v, want 3 bootstrap + 1", list.Tokens)
	}
	e.api(t, admin, "DELETE", "/api/v1/tokens/config-bot-admin", nil, http.StatusForbidden, nil)
	e.api(t, admin, "DELETE", "/api/v1/tokens/"+created.Token.ID, nil, http.StatusNoContent, nil)
	if r := e.anon().do("GET", "/api/v1/me", nil, created.Secret); r.code != http.StatusUnauthorized {
		t.Errorf("revoked token: %d, want 401", r.code)
	}
	var audit bytes.Buffer
	if err := e.st.ExportAudit(t.Context(), &audit, t0.Add(-time.Hour), t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{`"token_create"`, `"token_revoke"`} {
		if !strings.Contains(audit.String(), action) {
			t.Errorf("audit log lacks %s:\n%s", action, audit.String())
		}
	}
}

func TestEvidenceExportManifest(t *testing.T) {
	e := newEnv(t)
	e.seed("")
	e.api(t, lead, "POST", "/api/v1/items/"+idArabic+"/decision", map[string]string{"decision": "escalate", "note": "case 17"}, http.StatusOK, nil)
	r := e.api(t, lead, "GET", "/api/v1/export/evidence?ids="+idArabic+"&linked=true", nil, http.StatusOK, nil)
	if ct := r.header.Get("Content-Type"); ct != "application/zip" {
		t.Errorf("content type %q", ct)
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(r.body)), int64(len(r.body)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	manifest := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(files["MANIFEST.sha256"])), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("manifest line %q", line)
		}
		manifest[name] = sum
	}
	var names []string
	for name, data := range files {
		if name == "MANIFEST.sha256" {
			continue
		}
		names = append(names, name)
		h := sha256.Sum256(data)
		if got := hex.EncodeToString(h[:]); manifest[name] != got {
			t.Errorf("%s: manifest %q, content hashes to %s", name, manifest[name], got)
		}
	}
	if len(manifest) != len(names) {
		t.Errorf("manifest lists %d files, zip holds %d others", len(manifest), len(names))
	}
	sort.Strings(names)
	want := []string{"ads/" + idArabic + "/ad.json", "ads/" + idArabic + "/audit.jsonl", "ads/" + idArabic + "/item.json", "ads/" + idArabic + "/verdict.json",
		"ads/" + idEnglish + "/ad.json", "ads/" + idEnglish + "/audit.jsonl", "ads/" + idEnglish + "/item.json", "ads/" + idEnglish + "/verdict.json", "export.json"}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("bundle files (-want +got):\n%s", d)
	}
	if !strings.Contains(string(files["ads/"+idArabic+"/audit.jsonl"]), "case 17") {
		t.Errorf("audit.jsonl lacks the decision note:\n%s", files["ads/"+idArabic+"/audit.jsonl"])
	}

	// The raw capture travels too, byte for byte.
	r = e.api(t, lead, "GET", "/api/v1/export/evidence?ids="+idXSS, nil, http.StatusOK, nil)
	zr, _ = zip.NewReader(bytes.NewReader([]byte(r.body)), int64(len(r.body)))
	found := false
	for _, f := range zr.File {
		if f.Name == "ads/"+idXSS+"/raw-capture.bin" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			found = strings.HasPrefix(string(b), "<html><body><script>")
		}
	}
	if !found {
		t.Error("raw capture missing from the XSS ad's bundle")
	}
	e.api(t, lead, "GET", "/api/v1/export/evidence?ids=../../etc", nil, http.StatusBadRequest, nil)
}

func TestCSVCellsAreNotFormulas(t *testing.T) {
	var b bytes.Buffer
	writeDecisionsCSV(&b, []recruitscan.AuditEntry{{At: t0, ItemID: "x", Actor: "rev1", Action: "decide", After: "decided:confirm", Note: "=HYPERLINK(\"http://evil\")"}})
	if !strings.Contains(b.String(), `'=HYPERLINK`) {
		t.Errorf("formula not neutralised:\n%s", b.String())
	}
}

func TestEntitiesAndAdByURL(t *testing.T) {
	e := newEnv(t)
	e.seed("")
	var got struct{ Ads []adRef }
	e.api(t, reviewer, "GET", "/api/v1/entities?kind=phone&value="+url.QueryEscape(phone), nil, http.StatusOK, &got)
	var ids []string
	for _, a := range got.Ads {
		ids = append(ids, a.ID)
	}
	sort.Strings(ids)
	if d := cmp.Diff([]string{idArabic, idEnglish}, ids); d != "" {
		t.Errorf("ads with the phone (-want +got):\n%s", d)
	}
	var view itemJSON
	e.api(t, reviewer, "GET", "/api/v1/ads?url="+url.QueryEscape("http://classifieds.test/p/2"), nil, http.StatusOK, &view)
	if view.Ad.ID != idEnglish || len(view.Entities) != 1 || len(view.Entities[0].Linked) != 1 || view.Entities[0].Linked[0].ID != idArabic {
		t.Errorf("ad by URL: %+v", view)
	}
	e.api(t, reviewer, "GET", "/api/v1/entities?kind=phone", nil, http.StatusBadRequest, nil)
}

// TestOpenAPIMatchesRoutes fails when an API route is missing from
// openapi.json or the document names a route that does not exist.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi version %q, want 3.x", doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, rt := range (&Server{}).routes() {
		if strings.Contains(rt.pattern, " /api/") {
			served[rt.pattern] = true
		}
	}
	for r := range served {
		if !documented[r] {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for r := range documented {
		if !served[r] {
			t.Errorf("openapi.json names %s, which is not served", r)
		}
	}
	// Every operation answers something, and every $ref resolves.
	var raw map[string]any
	json.Unmarshal(openAPIDoc, &raw)
	for path, ops := range doc.Paths {
		for method, op := range ops {
			var o struct{ Responses map[string]any }
			if json.Unmarshal(op, &o); len(o.Responses) == 0 {
				t.Errorf("%s %s has no responses", method, path)
			}
		}
	}
	for _, ref := range refs(raw) {
		var node any = raw
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, _ := node.(map[string]any)
			node = m[part]
		}
		if node == nil {
			t.Errorf("$ref %s does not resolve", ref)
		}
	}
	// And it is served as is.
	e := newEnv(t)
	if r := e.anon().do("GET", "/api/v1/openapi.json", nil, ""); r.code != 200 || r.body != string(openAPIDoc) {
		t.Errorf("GET openapi.json: %d", r.code)
	}
}

// TestLeadAndOperatorPages: the lead view lists claims with reassignment,
// decisions by reviewer and per-rule precision; the operator view lists
// sources with crawl status and never shows their headers.
func TestLeadAndOperatorPages(t *testing.T) {
	e := newEnv(t)
	e.seed("")
	rev1 := e.login("rev1")
	if r := rev1.doCSRF("POST", "/api/v1/queue/claim", nil); r.code != http.StatusOK {
		t.Fatalf("claim: %d", r.code)
	}
	e.api(t, lead, "POST", "/api/v1/items/"+idEnglish+"/decision", map[string]string{"decision": "dismiss"}, http.StatusOK, nil)
	s := e.login("lead1")
	r := s.do("GET", "/lead", nil, "")
	for _, want := range []string{
		`<td>rev1</td>`, // rev1's claim
		`action="/items/` + idArabic + `/reassign"`,   // with a reassign form
		`<td>token:bot-lead</td><td>0</td><td>1</td>`, // decisions by reviewer: 1 dismiss
		`<td>en.pay_fee</td><td>all</td><td>1</td><td>0</td><td>0%</td>`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("lead page lacks %s", want)
		}
	}
	r = s.do("POST", "/items/"+idArabic+"/reassign", url.Values{"to": {"rev2"}, "back": {"lead"}, "csrf": {s.csrf}}, "")
	if r.code != http.StatusSeeOther || r.header.Get("Location") != "/lead" {
		t.Fatalf("reassign: %d to %q", r.code, r.header.Get("Location"))
	}
	if it, _ := e.st.Item(t.Context(), idArabic); it.ClaimedBy != "rev2" {
		t.Errorf("after reassign claimed by %q, want rev2", it.ClaimedBy)
	}
	r = s.do("GET", "/operator", nil, "")
	if !strings.Contains(r.body, "<td>board</td>") || !strings.Contains(r.body, "<td>9</td><td>4</td><td>2 <span class=\"small\">timeout 2</span>") || strings.Contains(r.body, "secret") {
		t.Errorf("operator page:\n%s", r.body)
	}
}

func TestSearch(t *testing.T) {
	e := newEnv(t)
	e.seed("")
	s := e.login("rev1")
	for q, want := range map[string]string{
		"http://classifieds.test/p/2": "/items/" + idEnglish,
		"+966 50 123 4567":            "/entities?kind=phone&value=%2B966501234567",
		"Jobs@Example.COM":            "/entities?kind=email&value=jobs%40example.com",
		"@visa_agent":                 "/entities?kind=handle&value=visa_agent",
	} {
		r := s.do("GET", "/search?q="+url.QueryEscape(q), nil, "")
		if r.code != http.StatusSeeOther || r.header.Get("Location") != want {
			t.Errorf("search %q: %d to %q, want %q", q, r.code, r.header.Get("Location"), want)
		}
	}
	if r := s.do("GET", "/search?q="+url.QueryEscape("http://nowhere.test/"), nil, ""); r.code != http.StatusNotFound {
		t.Errorf("unknown URL: %d, want 404", r.code)
	}
}

// TestInMemorySessionsAndTokens: with no Redis for review (one process),
// sessions, expiry and admin-made tokens work from memory.
func TestInMemorySessionsAndTokens(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Redis = nil })
	s := e.login("admin1")
	r := s.doCSRF("POST", "/api/v1/tokens", map[string]string{"name": "mem", "role": "reviewer"})
	var created struct{ Secret string }
	mustJSON(t, r.body, &created)
	if r := e.anon().do("GET", "/api/v1/me", nil, created.Secret); r.code != http.StatusOK {
		t.Errorf("in-memory token: %d", r.code)
	}
	e.clk.Advance(time.Hour)
	if r := s.do("GET", "/api/v1/me", nil, ""); r.code != http.StatusUnauthorized {
		t.Errorf("expired in-memory session: %d, want 401", r.code)
	}
}

func TestLoginsAudited(t *testing.T) {
	e := newEnv(t)
	e.login("rev1")
	s := e.anon()
	m := loginCSRF.FindStringSubmatch(s.do("GET", "/login", nil, "").body)
	s.do("POST", "/login", url.Values{"username": {"rev2"}, "password": {"nope"}, "csrf": {m[1]}}, "")
	var audit bytes.Buffer
	if err := e.st.ExportAudit(t.Context(), &audit, t0.Add(-time.Hour), t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"actor":"rev1","action":"login"`, `"actor":"rev2","action":"login_failed"`} {
		if !strings.Contains(audit.String(), want) {
			t.Errorf("audit lacks %s:\n%s", want, audit.String())
		}
	}
}

func TestLeadClosesEscalatedItem(t *testing.T) {
	e := newEnv(t)
	e.seed("")
	e.api(t, lead, "POST", "/api/v1/items/"+idUrdu+"/decision", map[string]string{"decision": "escalate"}, http.StatusOK, nil)
	if r := e.login("rev1").do("GET", "/items/"+idUrdu, nil, ""); strings.Contains(r.body, `id="decide"`) {
		t.Error("a reviewer is offered a decision on an escalated item")
	}
	s := e.login("lead1")
	if r := s.do("GET", "/items/"+idUrdu, nil, ""); !strings.Contains(r.body, `id="decide"`) {
		t.Fatal("the lead is not offered to close the escalated item")
	}
	r := s.do("POST", "/items/"+idUrdu+"/decision", url.Values{"decision": {"confirm"}, "csrf": {s.csrf}}, "")
	if r.code != http.StatusSeeOther {
		t.Fatalf("closing: %d\n%s", r.code, r.body)
	}
	if it, _ := e.st.Item(t.Context(), idUrdu); it.Decision != recruitscan.DecisionConfirm {
		t.Errorf("after closing: decision %q, want confirm", it.Decision)
	}
}

// refs lists every "$ref" value in a decoded JSON document.
func refs(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, y := range x {
			if s, ok := y.(string); ok && k == "$ref" {
				out = append(out, s)
			}
			out = append(out, refs(y)...)
		}
	case []any:
		for _, y := range x {
			out = append(out, refs(y)...)
		}
	}
	return out
}
