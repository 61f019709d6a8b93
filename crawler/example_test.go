package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/crawler"
)

// printSink prints each ad's title.
type printSink struct{ mu sync.Mutex }

func (p *printSink) Emit(_ context.Context, ad recruitscan.Ad) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Println(ad.Title)
	return nil
}

func Example() {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<rss><channel><item><title>Drivers wanted</title><link>/jobs/1</link>
			<description>&lt;p&gt;Visa &lt;b&gt;free&lt;/b&gt;&lt;/p&gt;</description></item></channel></rss>`)
	}))
	defer site.Close()

	c, err := crawler.New(crawler.Config{
		Sources: []recruitscan.Source{{
			ID: "feed", Type: recruitscan.SourceFeed, URLs: []string{site.URL + "/jobs.rss"},
			AllowPrivate: true, // the test site is on loopback
		}},
		Sink: &printSink{},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	stats, err := c.RunOnce(context.Background())
	fmt.Println(stats.Sources["feed"].Pages, "page,", stats.Sources["feed"].Ads, "ad,", err)
	// Output:
	// Drivers wanted
	// 1 page, 1 ad, <nil>
}
