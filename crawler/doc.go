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
// Every ad carries Evidence: request and final URL, redirect chain, fetch
// time, status, selected headers, the raw body and its SHA-256. Ad text
// is plain text, never HTML.
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
