// Package demoworld serves the bundled demo job world on loopback: the sites
// that `recruitscan demo` crawls and the fixture of end-to-end tests.
//
// The world is data: ads.yaml (embedded) holds about ninety fictitious ads
// in thirteen languages (Arabic, Gulf and MSA, Arabizi, Urdu, Hindi,
// Bengali, Nepali, Tagalog, Indonesian, Swahili, French, Amharic, Sinhala,
// English), each with its ground truth: risky or benign, and the indicators
// a reviewer would name. Start renders them with html/template onto five
// sites, one Source each (see Sources):
//
//   - demo-board: a job board (/board/jobs?page=N) with listing pages,
//     pagination and detail pages carrying schema.org JSON-LD;
//   - demo-souq: classifieds in the style of Haraj or OpenSooq
//     (/souq/c/jobs, /souq/c/domestic: وظائف, خدمات منزلية) whose ads are
//     read from listing cards, some cards linking a detail page;
//   - demo-legacy: an old Arabic job site (/wazaif/list.php, job.php?id=N,
//     relative links, tables) whose every page is windows-1256;
//   - demo-telegram: public channel previews in the markup of
//     t.me/s/<channel>, older posts behind ?before=N;
//   - demo-feed: an RSS 2.0 feed (/feed/jobs.rss).
//
// robots.txt allows the ad pages and disallows /admin/, which the board's
// first listing page links to as an ad. Pages are served with ETag and
// Last-Modified (conditional requests get 304) and gzip when accepted.
//
// Every expected number (pages, ads per source and language, risky ads per
// language, robots denials, phones shared across sites) is computed from the
// data, so tests assert what the data says:
//
//	w, err := demoworld.Start()
//	if err != nil {
//		return err
//	}
//	defer w.Close()
//	c, _ := crawler.New(crawler.Config{Sources: w.Sources(), Sink: sink})
//	stats, _ := c.RunOnce(ctx)
//	exp := w.Expected() // exp.Pages, exp.Ads, exp.AdsByLang, exp.RiskyByLang…
//
// Phones: several numbers recur across sites in different forms (+966…,
// 05…, Arabic-Indic and Bengali digits), listed in Expected.LinkedPhones.
// One board ad is hostile: its text carries script, img onerror, a
// javascript: link, an iframe, CSS injection and bidi overrides. The sites
// escape it as text; so must everything downstream.
package demoworld
