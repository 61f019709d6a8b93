package crawler

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/recruitscan/recruitscan"
)

// jsonLD reads schema.org JobPosting objects from the page's JSON-LD
// scripts (objects, arrays and @graph). JSON that does not parse is
// skipped: one broken script must not lose the page.
func (x *extractor) jsonLD(p *page, base *url.URL, doc *goquery.Document) []recruitscan.Ad {
	var ads []recruitscan.Ad
	doc.Find(`script[type="application/ld+json"]`).Each(func(_ int, s *goquery.Selection) {
		var v any
		if err := json.Unmarshal([]byte(s.Text()), &v); err != nil {
			return
		}
		for _, jp := range jobPostings(v, 0) {
			ads = append(ads, x.fromJobPosting(p, base, jp))
		}
	})
	return ads
}

func jobPostings(v any, depth int) []map[string]any {
	if depth > 5 {
		return nil
	}
	switch t := v.(type) {
	case []any:
		var out []map[string]any
		for _, e := range t {
			out = append(out, jobPostings(e, depth+1)...)
		}
		return out
	case map[string]any:
		if isType(t["@type"], "JobPosting") {
			return []map[string]any{t}
		}
		if g, ok := t["@graph"]; ok {
			return jobPostings(g, depth+1)
		}
		if il, ok := t["itemListElement"]; ok {
			return jobPostings(il, depth+1)
		}
		if it, ok := t["item"]; ok {
			return jobPostings(it, depth+1)
		}
	}
	return nil
}

func isType(v any, want string) bool {
	switch t := v.(type) {
	case string:
		return t == want
	case []any:
		for _, e := range t {
			if s, _ := e.(string); s == want {
				return true
			}
		}
	}
	return false
}

func (x *extractor) fromJobPosting(p *page, base *url.URL, jp map[string]any) recruitscan.Ad {
	link := p.Task.URL
	if p.Task.Kind != KindDetail {
		if u := resolveRef(base, str(jp["url"])); u != "" {
			link = u
		} else if id := str(jp["identifier"]); id != "" {
			link = p.Task.URL + "#" + id
		}
	}
	ad := x.newAd(p, link)
	ad.Title = oneLine(htmlText(str(jp["title"])))
	ad.Body = htmlText(str(jp["description"]))
	ad.Employer = oneLine(str(jp["hiringOrganization"]))
	ad.Location = oneLine(location(jp["jobLocation"]))
	ad.Salary = salary(jp["baseSalary"])
	ad.PostedAt = parseDate(str(jp["datePosted"]))
	return ad
}

// str reads a JSON-LD value as text: a string, a number, or an object's
// name (or @value).
func str(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strings.TrimSuffix(fmt.Sprintf("%.2f", t), ".00")
	case map[string]any:
		for _, k := range []string{"name", "@value", "value"} {
			if s := str(t[k]); s != "" {
				return s
			}
		}
	case []any:
		if len(t) > 0 {
			return str(t[0])
		}
	}
	return ""
}

func location(v any) string {
	switch t := v.(type) {
	case []any:
		var parts []string
		for _, e := range t {
			if s := location(e); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, "; ")
	case map[string]any:
		a, ok := t["address"].(map[string]any)
		if !ok {
			return str(t["address"])
		}
		var parts []string
		for _, k := range []string{"streetAddress", "addressLocality", "addressRegion", "addressCountry"} {
			if s := str(a[k]); s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, ", ")
	}
	return str(v)
}

func salary(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return str(v)
	}
	cur := str(m["currency"])
	val, _ := m["value"].(map[string]any)
	if val == nil {
		return strings.TrimSpace(cur + " " + str(m["value"]))
	}
	amount := str(val["value"])
	if lo, hi := str(val["minValue"]), str(val["maxValue"]); lo != "" && hi != "" {
		amount = lo + "-" + hi
	} else if amount == "" {
		amount = lo + hi
	}
	out := strings.TrimSpace(cur + " " + amount)
	if u := str(val["unitText"]); u != "" {
		out += " per " + strings.ToLower(u)
	}
	return out
}

// indeedMarker starts the job-card JSON that Indeed embeds in its search
// pages.
const indeedMarker = `window.mosaic.providerData["mosaic-provider-jobcards"]=`

type indeedCards struct {
	MetaData struct {
		Model struct {
			Results []struct {
				JobKey            string `json:"jobkey"`
				Title             string `json:"title"`
				DisplayTitle      string `json:"displayTitle"`
				Company           string `json:"company"`
				FormattedLocation string `json:"formattedLocation"`
				Snippet           string `json:"snippet"`
				PubDate           int64  `json:"pubDate"`
				SalarySnippet     struct {
					Text string `json:"text"`
				} `json:"salarySnippet"`
			} `json:"results"`
		} `json:"mosaicProviderJobCardsModel"`
	} `json:"metaData"`
}

// indeed reads the job cards of an Indeed search page's embedded JSON.
func (x *extractor) indeed(p *page, base *url.URL, doc *goquery.Document) []recruitscan.Ad {
	var ads []recruitscan.Ad
	doc.Find("script").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		text := s.Text()
		i := strings.Index(text, indeedMarker)
		if i < 0 {
			return true
		}
		var cards indeedCards
		dec := json.NewDecoder(strings.NewReader(text[i+len(indeedMarker):]))
		if dec.Decode(&cards) != nil {
			return false
		}
		for _, r := range cards.MetaData.Model.Results {
			if r.JobKey == "" {
				continue
			}
			ad := x.newAd(p, resolveRef(base, "/viewjob?jk="+url.QueryEscape(r.JobKey)))
			ad.Title = oneLine(orDefault(r.DisplayTitle, r.Title))
			ad.Body = htmlText(r.Snippet)
			ad.Employer = r.Company
			ad.Location = r.FormattedLocation
			ad.Salary = r.SalarySnippet.Text
			if r.PubDate > 0 {
				ad.PostedAt = time.UnixMilli(r.PubDate).UTC()
			}
			ads = append(ads, ad)
		}
		return false
	})
	return ads
}
