// Package crawler collects job ads from configured sources: html job
// boards and classifieds (listing pages, pagination, detail pages, listing
// cards, schema.org JobPosting JSON-LD, Indeed's embedded job cards), RSS
// and Atom feeds, sitemaps and sitemap indexes, and public Telegram
// channel previews (t.me/s/<channel>).
//
// Fetching is done by a Colly collector per source and run, with robots.txt
// honoured (unless a source sets ignore_robots), per-host delay and
// parallelism whose waits honour the context, Retry-After and capped
// exponential backoff on 429 and 503, a body cap applied after
// decompression, connect, header and total timeouts, a redirect cap with
// loop detection, non-documents skipped by type and by sniffing, and
// charset decoding from the header, BOM, <meta> or XML declaration.
//
// Network safety: every connection goes through a guard that resolves the
// host itself and refuses loopback, private, link-local, CGNAT, multicast,
// unspecified, reserved and cloud-metadata addresses (the first four only
// unless the source sets allow_private; metadata always), then dials the
// checked IP; a Control hook on the dialer checks again at connect time.
// Redirects are followed hop by hop through the same checks. The resolver
// and dialer are a seam (Config.Resolver, Config.Dial) so tests can see
// where a connection would go without making it.
//
// Work is shared through a Frontier: per source and cycle (the clock
// divided by the source's interval), each canonical URL is pushed once,
// leased by one worker, and marked done; a killed worker's leases expire
// and are taken up again. Across cycles the frontier remembers each page's
// validators and content hash, so detail pages are re-fetched with
// If-None-Match / If-Modified-Since and unchanged ones are not emitted
// again; pages that answer 404 or 410 have their ads marked removed when
// the Sink implements Remover.
//
// Takedowns of pages no longer linked: an html or sitemap source keeps an
// index of its detail pages (page records under IndexKey, one per Crawler
// so that workers never overwrite each other's) and, per page,
// the last cycle a listing linked it (PageMeta.Linked). Once the cycle's
// listings are read, each page unlinked for Config.UnlinkedCycles cycles
// (default 3) is re-checked in the same cycle with a conditional GET:
// 404 or 410 marks its ads removed with the time; a page still online is
// kept and re-checked again only once its unlinked span has doubled.
// Feed items and telegram posts, which age out of their window normally,
// are never re-checked.
//
// How an html source's selectors are read:
//   - next_page links are followed as listing pages (depth + 1);
//   - with card, each card on a listing page is an ad: the field selectors
//     apply inside the card, and the card's ad_links match (else its first
//     link) is only the ad's URL, never fetched;
//   - without card, ad_links on a listing page are fetched as detail pages,
//     where the field selectors apply to the whole page, filled in from the
//     page's JobPosting JSON-LD, then from its <h1>/<title> and main text;
//   - a page with neither card nor ad_links (an entry page of a source with
//     only field selectors, or none) is itself an ad, unless it embeds
//     several JobPostings or Indeed job cards, which are then its ads.
//
// Telegram sources read t.me/s/<channel> pages: each post is an ad whose
// first line is its title, keyed by its post URL; the "older posts" link
// is the next page, up to max_pages. Feed items and sitemap pages need no
// selectors (sitemap pages are read as detail pages, with selectors when
// given).
//
// Every ad carries Evidence: request and final URL, redirect chain, fetch
// time, status, selected headers, the raw body and its SHA-256. Ad text
// is plain text, never HTML. With Config.WARCDir set, every request and
// response is also written to WARC 1.1 files (github.com/nlnwa/gowarc),
// one series per source and run, rotated by size.
//
// A minimal crawl of one feed:
//
//	c, err := crawler.New(crawler.Config{
//		Sources: []recruitscan.Source{{
//			ID: "wwr", Type: recruitscan.SourceFeed,
//			URLs: []string{"https://weworkremotely.com/remote-jobs.rss"},
//		}},
//		Sink: sink, // e.g. a wrapper calling store.AppendAd
//	})
//	if err != nil {
//		return err
//	}
//	stats, err := c.RunOnce(ctx)
//	fmt.Println(stats.Sources["wwr"].Ads, err)
package crawler
