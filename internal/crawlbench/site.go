package main

import (
	"fmt"
	"net/http"
	"strings"
)

const perList = 19

// newSite serves pages pages: listing pages /list/N with perList job
// links and links to the next ten listing pages, and job pages /job/N/I
// of about 2 KB.
func newSite(pages int) http.Handler {
	lists := (pages + perList) / (perList + 1)
	filler := strings.Repeat("Duties include loading, sorting and recording goods; shifts rotate weekly. ", 24)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		var list, job int
		switch {
		case strings.HasPrefix(r.URL.Path, "/list/"):
			fmt.Sscanf(r.URL.Path, "/list/%d", &list)
			var b strings.Builder
			b.WriteString("<!doctype html><html><head><title>Jobs</title></head><body><ul>")
			for i := range perList {
				if list*(perList+1)+1+i < pages {
					fmt.Fprintf(&b, `<li><a class="j" href="/job/%d/%d">Job %d</a></li>`, list, i, i)
				}
			}
			b.WriteString("</ul>")
			// A pagination bar of the next ten pages, as real boards have;
			// a bare "next" chain would measure round trips, not crawling.
			for n := list + 1; n < min(list+11, lists); n++ {
				fmt.Fprintf(&b, `<a class="next" href="/list/%d">%d</a>`, n, n)
			}
			b.WriteString("</body></html>")
			fmt.Fprint(w, b.String())
		case strings.HasPrefix(r.URL.Path, "/job/"):
			fmt.Sscanf(r.URL.Path, "/job/%d/%d", &list, &job)
			fmt.Fprintf(w, `<!doctype html><html><head><title>Job</title></head><body><h1 class="t">Warehouse worker %d-%d</h1>
<div class="d"><p>%s</p><p>Contact the office.</p></div></body></html>`, list, job, filler)
		default:
			http.NotFound(w, r)
		}
	})
}
