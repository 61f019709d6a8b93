// Package demoworld serves the bundled demo job world on loopback: the sites
// that `recruitscan demo` crawls and the fixture of end-to-end tests.
//
// The world is data: ads.yaml (embedded) holds about eighty fictitious ads
// in thirteen languages, each with its ground truth (risky or benign, and
// the indicators a reviewer would name). At Start they are rendered with
// html/template onto four sites:
//
//   - a job board (/board/jobs): listing pages with pagination and detail
//     pages;
//   - a classifieds site in the style of Haraj or OpenSooq (/souq/c/jobs,
//     /souq/c/domestic, categories وظائف and خدمات منزلية): listing cards,
//     some with detail pages, one detail page served in windows-1256;
//   - public Telegram channel previews in the markup of t.me/s/<channel>,
//     paginated with ?before=;
//   - an RSS 2.0 feed (/feed/jobs.rss).
//
// robots.txt allows the ad pages and disallows /admin/, which the board's
// first listing page links to. Every expected number (pages, ads per
// language, risky ads per language, phones shared across sites) is computed
// from the data, so tests assert what the data says:
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
// One board ad is hostile: its text carries script, img onerror, a
// javascript: link, an iframe, CSS injection and bidi overrides. The sites
// escape it as text; so must everything downstream.
package demoworld
