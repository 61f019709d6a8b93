package main

import (
	"context"
	"flag"
	"fmt"
	"sync"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/crawler"
	"github.com/recruitscan/recruitscan/pipeline"
	"github.com/recruitscan/recruitscan/review"
	"github.com/recruitscan/recruitscan/store"
)

// The deployment shapes: run is one process doing everything; crawl,
// classify and serve are its parts, for many processes sharing one Redis.
func init() {
	register("run", "one process: crawl the configured sources, classify, queue and serve", partsCmd(partCrawl|partClassify|partServe))
	register("crawl", "crawl the configured sources into the Redis ad stream", partsCmd(partCrawl))
	register("classify", "classify ads from the Redis ad stream and queue the flagged ones", partsCmd(partClassify))
	register("serve", "serve the reviewer UI, API and /metrics", partsCmd(partServe))
}

type part int

const (
	partCrawl part = 1 << iota
	partClassify
	partServe
)

func partsCmd(parts part) func(context.Context, *Env, []string) error {
	return func(ctx context.Context, env *Env, args []string) error {
		return runParts(ctx, env, args, parts)
	}
}

func runParts(ctx context.Context, env *Env, args []string, parts part) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfgPath := fs.String("config", "recruitscan.yaml", "config file (see recruitscan.example.yaml)")
	redisURL := fs.String("redis", "", "Redis URL (overrides REDIS_URL and redis.url)")
	prefix := fs.String("prefix", "", "Redis key namespace (overrides redis.prefix)")
	listenAddr := fs.String("listen", "", "HTTP address (overrides server.listen); classify and crawl serve only /metrics there")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	cfg, err := LoadConfig(*cfgPath)
	if err != nil {
		return err
	}
	url := firstNonEmpty(*redisURL, env.Getenv("REDIS_URL"), cfg.Redis.URL)
	cfg.Redis.Prefix = firstNonEmpty(*prefix, cfg.Redis.Prefix)
	listenOn := firstNonEmpty(*listenAddr, cfg.Server.Listen)
	logger := newLogger(env.Stderr)

	l, err := listen(listenOn)
	if err != nil {
		return err
	}
	defer l.Close()
	rc, err := openRedis(ctx, url, parts == partCrawl|partClassify|partServe, env.Stderr)
	if err != nil {
		return err
	}
	defer rc.Close()
	reg, m := newRegistry()
	st, err := store.New(store.Config{Client: rc.client, Prefix: cfg.Redis.Prefix, Observer: m,
		Lease: cfg.Review.Lease, MaxAttempts: cfg.Classify.MaxAttempts})
	if err != nil {
		return err
	}
	registerStoreCollectors(reg, st, rc)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 4)
	goRun := func(name string, f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil && ctx.Err() == nil {
				errc <- fmt.Errorf("%s: %w", name, err)
				cancel()
			}
		}()
	}
	var p *pipeline.Pipeline
	if parts&partClassify != 0 {
		th, _ := recruitscan.ParseLevel(cfg.Rules.Threshold)
		c, err := buildClassifier(rulesConfig(cfg), th, !cfg.Rules.NoTextModel)
		if err != nil {
			return err
		}
		p, err = pipeline.New(pipeline.Config{Store: st, Classifier: c, Workers: cfg.Classify.Workers, Observer: m, Logger: logger})
		if err != nil {
			return err
		}
		goRun("classify", func() error { return p.Run(ctx) })
	}
	var cr *crawler.Crawler
	if parts&partCrawl != 0 {
		if len(cfg.Sources) == 0 {
			return fmt.Errorf("%s: no sources configured", *cfgPath)
		}
		sink := &pipeline.StoreSink{Store: st}
		cr, err = crawler.New(crawler.Config{Sources: cfg.Sources, Sink: sink, Observer: m, Logger: logger,
			Frontier: pipeline.CrawlFrontier(st.Frontier()), WARCDir: cfg.Crawl.WARCDir,
			WARCMaxBytes: cfg.Crawl.WARCMaxBytes, UnlinkedCycles: cfg.Crawl.UnlinkedCycles})
		if err != nil {
			return err
		}
		goRun("crawl", func() error { return cr.Run(ctx) })
	}
	var app = healthMux(reg, func(ctx context.Context) error { return st.Ping(ctx) }, nil)
	if parts&partServe != 0 {
		users := make([]review.User, 0, len(cfg.Users))
		for _, u := range cfg.Users {
			users = append(users, review.User{Name: u.Name, Role: u.Role, PasswordHash: u.PasswordHash, Languages: u.Languages, Disabled: u.Disabled})
		}
		var tokens []review.Token
		if tok := env.Getenv("RECRUITSCAN_API_TOKEN"); tok != "" {
			tokens = append(tokens, review.Token{Name: "env", Role: recruitscan.RoleAdmin, Secret: tok})
		}
		rcfg := review.Config{Store: st, Redis: rc.client, Prefix: cfg.Redis.Prefix, Sources: cfg.Sources, Users: users, Tokens: tokens,
			Logger: logger, SessionTTL: cfg.Server.SessionTTL, SecureCookies: cfg.Server.TLSCert != ""}
		if cr != nil {
			rcfg.SourceStatus = sourceStatus(cr)
		}
		rv, err := review.New(rcfg)
		if err != nil {
			return err
		}
		app = healthMux(reg, func(ctx context.Context) error { return st.Ping(ctx) }, rv.Handler())
	}
	goRun("http", func() error { return serveHTTP(ctx, l, m.Middleware(app), cfg.Server.TLSCert, cfg.Server.TLSKey) })
	logger.Info("recruitscan running", "listen", hostPort(l.Addr()), "crawl", parts&partCrawl != 0, "classify", parts&partClassify != 0, "serve", parts&partServe != 0)
	wg.Wait()
	close(errc)
	return <-errc
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
