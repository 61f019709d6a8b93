// Package metrics holds recruitscan's Prometheus instrumentation: the
// counters, gauges and histograms that the crawler, the classifier, the
// store and the review server record into, and the Collectors that read the
// review queue, the ad stream and Redis at scrape time.
//
// There is no global registry. The program builds one [Metrics] on the
// registry it serves on /metrics and hands it to the parts that record;
// every method is safe on a nil *Metrics, so a part built without metrics
// (a test, a one-shot scan) passes nil and records nothing.
//
// Every name has the recruitscan_ prefix, uses base units (seconds, bytes)
// and ends in _total when it is a counter. Labels are bounded: source,
// language, indicator, level, decision, status_class, kind and route (a
// ServeMux pattern), never a URL, an ad id or a user. Each label keeps at
// most a fixed number of distinct values and folds the rest into "other",
// so hostile input cannot grow the series count.
//
// A minimal wiring, as cmd/recruitscan does it:
//
//	reg := prometheus.NewRegistry()
//	m := metrics.New(reg)
//	reg.MustRegister(
//		metrics.NewQueueCollector(st),  // *store.Store: QueueStats(ctx)
//		metrics.NewStreamCollector(st), // StreamLag(ctx) (lag, deadLetters, err)
//		metrics.NewRedisCollector(st.Ping, poolStats),
//	)
//	metrics.RegisterBuildInfo(reg, version)
//	for _, s := range cfg.Sources {
//		m.CrawlSource(s.ID, s.Interval) // counters at 0, interval for the stale alert
//	}
//	m.CrawlRequest("gulf-jobs", 200, 120*time.Millisecond, 5120)
//	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
//	http.ListenAndServe(addr, m.Middleware(mux)) // route label = mux pattern
//
// The metric names and what each means are listed in dashboards/README.md,
// next to the dashboards and alerts that use them.
package metrics
