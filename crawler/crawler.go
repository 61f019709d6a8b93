package crawler

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"sync"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/internal/clock"
)

// Sink receives the ads a crawl extracts (store.AppendAd behind it). An
// error stops the source's run; the task is released and fetched again
// in the cycle, so an ad is emitted at least once.
type Sink interface {
	Emit(ctx context.Context, ad recruitscan.Ad) error
}

// Remover is an optional interface of a Sink: when the Sink has it, ads
// whose detail page answers 404 or 410 are recorded as removed, with the
// time. store.Store's MarkRemoved has this signature.
type Remover interface {
	MarkRemoved(ctx context.Context, id string, at time.Time) error
}

// Observer receives crawl metrics; metrics.Metrics satisfies it. All
// methods must be safe for concurrent use.
type Observer interface {
	CrawlRequest(source string, status int, d time.Duration, bytes int)
	CrawlAd(source string)
	CrawlRobotsDenied(source string)
	CrawlError(source, kind string) // kind: see ErrorKind
	CrawlFrontier(source string, n int)
	CrawlSucceeded(source string, at time.Time)
}

// Config configures a Crawler. Zero values mean the documented defaults.
type Config struct {
	// Sources to crawl; validated by New (every problem reported).
	Sources []recruitscan.Source
	// Sink receives the ads. Required.
	Sink Sink
	// Observer receives metrics; nil records nothing.
	Observer Observer
	// Frontier holds the URLs of each cycle; nil means a new MemFrontier.
	// Pass store's Redis frontier to share a crawl among workers.
	Frontier Frontier
	// Clock stamps fetch times and picks cycles; nil means the real clock.
	Clock clock.Clock
	// Logger; nil discards.
	Logger *slog.Logger

	// UserAgent when a source sets none; default "recruitscan/0.1 (+https://github.com/recruitscan/recruitscan)".
	UserAgent string
	// DefaultInterval between cycles of a source without one; default 1h.
	DefaultInterval time.Duration
	// DefaultMaxPages per source and cycle; default 1000.
	DefaultMaxPages int
	// DefaultMaxDepth of links from the entry URLs; default 50.
	DefaultMaxDepth int
	// DefaultDelay between requests to one host; default 1s; negative means none.
	DefaultDelay time.Duration
	// MaxBodyBytes caps a response body after decompression; default 10 MiB.
	MaxBodyBytes int64
	// ConnectTimeout (dial and TLS), HeaderTimeout (until response headers)
	// and FetchTimeout (whole exchange, body included); defaults 10s, 20s, 60s.
	ConnectTimeout, HeaderTimeout, FetchTimeout time.Duration
	// MaxRedirects followed per fetch; default 5.
	MaxRedirects int
	// MaxRetries of a 429 or 503 answer; default 3. BaseBackoff doubles per
	// retry (default 1s) unless Retry-After says otherwise; MaxBackoff caps
	// either (default 2m).
	MaxRetries              int
	BaseBackoff, MaxBackoff time.Duration
	// LeaseTTL is how long a worker holds a task before another may take
	// it (a killed worker's tasks come back after it); default 10m, at
	// least twice FetchTimeout. A task's fetch (redirects, retries and
	// waits included) is cut off at 9/10 of it, so no lease ends mid-fetch.
	LeaseTTL time.Duration
	// PollInterval is how often an idle worker looks for work while other
	// workers still hold leases; default 200ms.
	PollInterval time.Duration
	// WARCDir, when set, receives WARC 1.1 files (record-gzipped) of
	// every request and response exchanged, a file per source and run,
	// rotated when it passes WARCMaxBytes (default 1 GiB). Files are named
	// recruitscan-<source>-<time>-<pid>-<serial>.warc.gz and carry an
	// .open suffix while written. Response bodies are stored decoded
	// (without their transfer or content encoding), as the ads' evidence.
	WARCDir      string
	WARCMaxBytes int64
	// UnlinkedCycles is after how many consecutive cycles in which a
	// known detail page of an html or sitemap source was not linked it is
	// re-checked (a conditional GET): 404 or 410 then marks its ads
	// removed; a page still online is re-checked again after twice as
	// long since it was last linked (at most 32 times UnlinkedCycles).
	// Default 3; negative turns re-checks off. Feed and telegram items
	// are never re-checked: they age out of a feed normally.
	UnlinkedCycles int
	// RetryFailedCycle is how soon Run resumes a cycle that failed on the
	// frontier or the sink; default 30s.
	RetryFailedCycle time.Duration

	// Resolver and Dial are the network seam (see netguard.go); nil means
	// the system resolver and a guarded net.Dialer.
	Resolver Resolver
	Dial     DialFunc
	// Getenv reads a source's SecretEnv; nil means os.Getenv.
	Getenv func(string) string
}

func (c *Config) applyDefaults() {
	c.Observer = orNil(c.Observer)
	if c.Frontier == nil {
		c.Frontier = NewMemFrontier(c.Clock)
	}
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Getenv == nil {
		c.Getenv = os.Getenv
	}
	c.UserAgent = orDefault(c.UserAgent, "recruitscan/0.1 (+https://github.com/recruitscan/recruitscan)")
	c.DefaultInterval = orDefault(c.DefaultInterval, time.Hour)
	c.DefaultMaxPages = orDefault(c.DefaultMaxPages, 1000)
	c.DefaultMaxDepth = orDefault(c.DefaultMaxDepth, 50)
	c.UnlinkedCycles = orDefault(c.UnlinkedCycles, 3)
	c.WARCMaxBytes = orDefault(c.WARCMaxBytes, 1<<30)
	c.DefaultDelay = orDefault(c.DefaultDelay, time.Second)
	c.MaxBodyBytes = orDefault(c.MaxBodyBytes, 10<<20)
	c.ConnectTimeout = orDefault(c.ConnectTimeout, 10*time.Second)
	c.HeaderTimeout = orDefault(c.HeaderTimeout, 20*time.Second)
	c.FetchTimeout = orDefault(c.FetchTimeout, 60*time.Second)
	c.MaxRedirects = orDefault(c.MaxRedirects, 5)
	c.MaxRetries = orDefault(c.MaxRetries, 3)
	c.BaseBackoff = orDefault(c.BaseBackoff, time.Second)
	c.MaxBackoff = orDefault(c.MaxBackoff, 2*time.Minute)
	c.LeaseTTL = orDefault(c.LeaseTTL, 10*time.Minute)
	c.PollInterval = orDefault(c.PollInterval, 200*time.Millisecond)
	c.RetryFailedCycle = orDefault(c.RetryFailedCycle, 30*time.Second)
}

// Crawler crawls the configured sources. Safe for concurrent use; RunOnce
// and Run may run in several processes sharing one Frontier.
type Crawler struct {
	cfg     Config
	sources []*source

	mu   sync.Mutex
	live map[string]SourceStats

	instance string     // random id naming this Crawler's takedown index records
	indexMu  sync.Mutex // one takedown sweep at a time (see takedown.go)
}

// New validates cfg and returns a Crawler. Errors wrap ErrInvalidConfig
// and name the source and field; all problems are reported at once.
func New(cfg Config) (*Crawler, error) {
	cfg.applyDefaults()
	var errs []error
	if cfg.Sink == nil {
		errs = append(errs, fmt.Errorf("crawler config: sink: %w: missing", ErrInvalidConfig))
	}
	if cfg.LeaseTTL < 2*cfg.FetchTimeout {
		errs = append(errs, fmt.Errorf("crawler config: lease ttl: %w: %v is under twice the fetch timeout %v", ErrInvalidConfig, cfg.LeaseTTL, cfg.FetchTimeout))
	}
	if err := warcDir(cfg.WARCDir); err != nil {
		errs = append(errs, fmt.Errorf("crawler config: %w: %v", ErrInvalidConfig, err))
	}
	c := &Crawler{cfg: cfg, live: map[string]SourceStats{}, instance: rand.Text()[:16]}
	ids := map[string]bool{}
	for _, s := range cfg.Sources {
		src, serrs := newSource(&c.cfg, s)
		errs = append(errs, serrs...)
		if ids[s.ID] {
			errs = append(errs, fmt.Errorf("source %q: id: %w: duplicate", s.ID, ErrInvalidConfig))
		}
		ids[s.ID] = true
		c.sources = append(c.sources, src)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("crawler new: %w", err)
	}
	if a, ok := cfg.Observer.(interface{ CrawlSource(string, time.Duration) }); ok {
		for _, src := range c.sources {
			a.CrawlSource(src.ID, src.interval) // counters start at zero; stale alerts know the interval
		}
	}
	return c, nil
}

// SourceStats counts what one source's cycle did.
type SourceStats struct {
	Pages        int            `json:"pages"`         // documents fetched and read
	Ads          int            `json:"ads"`           // ads emitted
	Errors       int            `json:"errors"`        // fetches or parses that failed
	ErrorKinds   map[string]int `json:"error_kinds"`   // Errors by ErrorKind
	NotModified  int            `json:"not_modified"`  // 304 answers to conditional requests
	Unchanged    int            `json:"unchanged"`     // detail pages with the same content hash as before
	Removed      int            `json:"removed"`       // pages gone (404/410) whose ads were marked removed
	Rechecked    int            `json:"rechecked"`     // unlinked detail pages re-checked, still online
	RobotsDenied int            `json:"robots_denied"` // URLs robots.txt disallowed
	Queue        int            `json:"queue"`         // frontier pending+leased when last seen
	// Started and Finished bound the cycle run; Finished is zero while it
	// runs and when it ended in an error or cancellation.
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
}

// Stats is the outcome of one RunOnce, per source id.
type Stats struct {
	Sources map[string]SourceStats `json:"sources"`
}

// Total sums the per-source stats.
func (s Stats) Total() SourceStats {
	var t SourceStats
	for _, v := range s.Sources {
		t.Pages += v.Pages
		t.Ads += v.Ads
		t.Errors += v.Errors
		t.NotModified += v.NotModified
		t.Unchanged += v.Unchanged
		t.Removed += v.Removed
		t.Rechecked += v.Rechecked
		t.RobotsDenied += v.RobotsDenied
		t.Queue += v.Queue
	}
	return t
}

// Progress returns a snapshot of each source's counters in its current or
// last cycle, for a live progress display.
func (c *Crawler) Progress() map[string]SourceStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]SourceStats, len(c.live))
	for k, v := range c.live {
		v.ErrorKinds = maps.Clone(v.ErrorKinds)
		out[k] = v
	}
	return out
}

func (c *Crawler) update(id string, f func(*SourceStats)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.live[id]
	f(&s)
	c.live[id] = s
}

// RunOnce runs the current cycle of every source to its end (or resumes
// it, when a frontier shared with other workers or a killed run already
// started it) and returns what this call did. Fetch and parse failures
// are counted, not returned; the error is about the frontier, the sink or
// ctx. When ctx is cancelled, RunOnce returns within a moment, releasing
// its in-flight tasks to the frontier.
func (c *Crawler) RunOnce(ctx context.Context) (Stats, error) {
	stats := Stats{Sources: map[string]SourceStats{}}
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	for _, src := range c.sources {
		wg.Go(func() {
			st, err := c.runSource(ctx, src, c.cycle(src))
			mu.Lock()
			defer mu.Unlock()
			stats.Sources[src.ID] = st
			if err != nil {
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return stats, fmt.Errorf("crawl: %w", err)
	}
	return stats, errors.Join(errs...)
}

// cycle numbers a source's cycles by its interval on the clock.
func (c *Crawler) cycle(src *source) Cycle {
	return Cycle{Source: src.ID, N: c.cfg.Clock.Now().UnixNano() / int64(src.interval)}
}

// Run crawls every source once per its interval until ctx is done, then
// returns nil. Errors of a cycle are logged and the next cycle runs.
func (c *Crawler) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, src := range c.sources {
		wg.Go(func() { c.loop(ctx, src) })
	}
	wg.Wait()
	return nil
}

func (c *Crawler) loop(ctx context.Context, src *source) {
	for ctx.Err() == nil {
		cyc := c.cycle(src)
		st, err := c.runSource(ctx, src, cyc)
		log := c.cfg.Logger.With("source", src.ID, "cycle", cyc.N, "pages", st.Pages, "ads", st.Ads, "errors", st.Errors)
		if err != nil && ctx.Err() == nil {
			log.Error("crawl cycle failed", "err", err)
		} else {
			log.Info("crawl cycle done")
		}
		// Sleep to the start of the next cycle, or after a failure (Redis
		// down, sink full) a short while, then resume the same cycle.
		wait := time.Unix(0, (cyc.N+1)*int64(src.interval)).Sub(c.cfg.Clock.Now())
		if err != nil {
			wait = min(wait, c.cfg.RetryFailedCycle)
		}
		if sleep(ctx, wait) != nil {
			return
		}
	}
}
