package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/crawler"
	"github.com/recruitscan/recruitscan/internal/demoworld"
	"github.com/recruitscan/recruitscan/metrics"
	"github.com/recruitscan/recruitscan/pipeline"
	"github.com/recruitscan/recruitscan/review"
	"github.com/recruitscan/recruitscan/store"
)

func init() {
	register("demo", "crawl the bundled demo job world, classify, queue, and serve the reviewer UI (nothing to install)", runDemo)
}

// demoOptions are demo's flags.
type demoOptions struct {
	listen   string
	redisURL string
	rules    *ruleFlags
}

// demo is a running demo: what the end-to-end test drives.
type demo struct {
	URL      string // base URL of the UI, API and metrics
	User     string
	Password string
	Token    string
	World    *demoworld.World
	Crawl    crawler.Stats
	Pipeline pipeline.Stats
	Ready    time.Duration // from start to ready
	serveErr chan error
	closers  []func()
	registry *prometheus.Registry
	store    *store.Store
	prefix   string // the store's key prefix
	// pwShown and tokShown: the secret was generated here, so it is
	// printed once; one from the environment is never printed.
	pwShown, tokShown bool
}

// Close stops everything the demo started, in reverse order.
func (d *demo) Close() {
	for i := len(d.closers) - 1; i >= 0; i-- {
		d.closers[i]()
	}
}

func runDemo(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var o demoOptions
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address of the reviewer UI, API and /metrics")
	fs.StringVar(&o.redisURL, "redis", "", "Redis URL (default: REDIS_URL, else an embedded in-memory server)")
	o.rules = addRuleFlags(fs)
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if o.redisURL == "" {
		o.redisURL = env.Getenv("REDIS_URL")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	d, err := startDemo(ctx, env, o)
	if err != nil {
		return err
	}
	defer d.Close()
	printReady(env.Stdout, d)
	select {
	case <-ctx.Done():
		fmt.Fprintln(env.Stderr, "shutting down")
		return nil
	case err := <-d.serveErr:
		return err
	}
}

// startDemo runs the demo up to "ready": world served, crawled, every ad
// classified and stored, server listening. The caller must Close it.
func startDemo(ctx context.Context, env *Env, o demoOptions) (_ *demo, err error) {
	start := time.Now()
	d := &demo{serveErr: make(chan error, 1)}
	defer func() {
		if err != nil {
			d.Close()
		}
	}()
	l, err := listen(o.listen)
	if err != nil {
		return nil, err
	}
	d.closers = append(d.closers, func() { l.Close() })
	c, err := o.rules.classifier()
	if err != nil {
		return nil, err
	}
	rc, err := openRedis(ctx, o.redisURL, true, env.Stderr)
	if err != nil {
		return nil, err
	}
	d.closers = append(d.closers, rc.Close)
	reg, m := newRegistry()
	d.registry = reg
	prefix := "demo"
	if rc.embedded == nil {
		// A shared server: keep this run's keys apart from others'.
		prefix = fmt.Sprintf("demo:%d", time.Now().UnixNano())
	}
	d.prefix = prefix
	st, err := store.New(store.Config{Client: rc.client, Prefix: prefix, Observer: m})
	if err != nil {
		return nil, err
	}
	d.store = st
	registerStoreCollectors(reg, st, rc)

	world, err := demoworld.Start()
	if err != nil {
		return nil, fmt.Errorf("demo world: %w", err)
	}
	d.closers = append(d.closers, func() { world.Close() })
	d.World = world

	logger := newLogger(io.Discard)
	p, err := pipeline.New(pipeline.Config{Store: st, Classifier: c, Observer: m, Logger: logger})
	if err != nil {
		return nil, err
	}
	pctx, pcancel := context.WithCancel(ctx)
	pdone := make(chan struct{})
	go func() { defer close(pdone); p.Run(pctx) }()
	d.closers = append(d.closers, func() { pcancel(); <-pdone })

	cr, err := crawler.New(crawler.Config{Sources: world.Sources(), Sink: p.Sink(), Observer: m, Logger: logger,
		Frontier: pipeline.CrawlFrontier(st.Frontier())})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(env.Stderr, "crawling the demo job world at %s (%d sources)\n", world.URL(), len(world.Sources()))
	stopProgress := progress(env.Stderr, p)
	d.Crawl, err = cr.RunOnce(ctx)
	if err == nil {
		wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
		err = p.WaitIdle(wctx)
		wcancel()
	}
	stopProgress()
	if err != nil {
		return nil, fmt.Errorf("demo crawl: %w", err)
	}
	d.Pipeline = p.Stats()

	d.User = "admin"
	var genPw, genTok bool
	d.Password, genPw = secret(env.Getenv, "RECRUITSCAN_ADMIN_PASSWORD")
	d.Token, genTok = secret(env.Getenv, "RECRUITSCAN_API_TOKEN")
	hash, err := review.HashPassword(d.Password)
	if err != nil {
		return nil, fmt.Errorf("RECRUITSCAN_ADMIN_PASSWORD: %w", err)
	}
	d.pwShown, d.tokShown = genPw, genTok
	rv, err := review.New(review.Config{
		Store:        st,
		Redis:        rc.client,
		Prefix:       prefix,
		Sources:      world.Sources(),
		SourceStatus: sourceStatus(cr),
		Users:        []review.User{{Name: d.User, Role: recruitscan.RoleAdmin, PasswordHash: hash}},
		Tokens:       []review.Token{{Name: "demo", Role: recruitscan.RoleAdmin, Secret: d.Token}},
		Logger:       logger,
		// Claims and decisions are counted by the store (Observer), for
		// every caller; giving review the metrics too would count twice.
	})
	if err != nil {
		return nil, err
	}
	ready := func(ctx context.Context) error { return st.Ping(ctx) }
	h := m.Middleware(healthMux(reg, ready, rv.Handler()))
	sctx, scancel := context.WithCancel(context.Background())
	sdone := make(chan struct{})
	go func() { defer close(sdone); d.serveErr <- serveHTTP(sctx, l, h, "", "") }()
	d.closers = append(d.closers, func() { scancel(); <-sdone })
	d.URL = "http://" + hostPort(l.Addr())
	d.Ready = time.Since(start)
	return d, nil
}

// registerStoreCollectors adds the scrape-time gauges read from Redis.
func registerStoreCollectors(reg prometheus.Registerer, st *store.Store, rc *redisConn) {
	reg.MustRegister(metrics.NewQueueCollector(st), metrics.NewStreamCollector(st),
		metrics.NewRedisCollector(st.Ping, func() metrics.PoolStats {
			s := rc.client.PoolStats()
			return metrics.PoolStats{Hits: s.Hits, Misses: s.Misses, Timeouts: s.Timeouts, TotalConns: s.TotalConns, IdleConns: s.IdleConns, StaleConns: s.StaleConns}
		}))
}

func hostPort(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		return fmt.Sprintf("127.0.0.1:%d", ta.Port)
	}
	return a.String()
}

// progress prints a line every half second while the crawl runs.
func progress(w io.Writer, p *pipeline.Pipeline) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				s := p.Stats()
				fmt.Fprintf(w, "\rcrawled %d ads, classified %d, flagged %d, queued %d   \n", s.Appended, s.Classified, s.Flagged, s.Queued)
				return
			case <-t.C:
				s := p.Stats()
				fmt.Fprintf(w, "\rcrawled %d ads, classified %d, flagged %d, queued %d   ", s.Appended, s.Classified, s.Flagged, s.Queued)
			}
		}
	}()
	return func() { close(done); <-finished }
}

func printReady(w io.Writer, d *demo) {
	s := d.Pipeline
	fmt.Fprintf(w, "\nrecruitscan demo ready in %s\n", d.Ready.Round(10*time.Millisecond))
	fmt.Fprintf(w, "  crawled %d ads; %d flagged for review; %d queued\n", s.Appended, s.Flagged, s.Queued)
	langs := make([]string, 0, len(s.ByLang))
	for l := range s.ByLang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	var parts []string
	for _, l := range langs {
		parts = append(parts, fmt.Sprintf("%s %d/%d", l, s.FlaggedByLang[l], s.ByLang[l]))
	}
	fmt.Fprintf(w, "  flagged/classified by language: %s\n", strings.Join(parts, ", "))
	fmt.Fprintf(w, "\n  open      %s/\n", d.URL)
	pw, tok := "(from RECRUITSCAN_ADMIN_PASSWORD)", "(from RECRUITSCAN_API_TOKEN)"
	if d.pwShown {
		pw = d.Password + "  (generated; set RECRUITSCAN_ADMIN_PASSWORD to choose)"
	}
	if d.tokShown {
		tok = d.Token + "  (generated; set RECRUITSCAN_API_TOKEN to choose)"
	}
	fmt.Fprintf(w, "  login     user %s, password %s\n", d.User, pw)
	fmt.Fprintf(w, "  API token %s\n", tok)
	fmt.Fprintf(w, "  try       curl -H \"Authorization: Bearer $TOKEN\" %s/api/v1/queue\n", d.URL)
	fmt.Fprintf(w, "  metrics   %s/metrics\n\nPress Ctrl-C to stop.\n", d.URL)
}
