// Package pipeline wires crawl → classify → store: crawled ads are
// appended to the Redis ad stream; a bounded pool of classifier workers
// reads it through a consumer group, classifies each ad and stores the
// result, which acknowledges the entry in the same step. Hand-off is
// at-least-once and storing is idempotent, so a killed worker loses
// nothing: its pending entries are reclaimed by another.
//
//	p, _ := pipeline.New(pipeline.Config{Store: st, Classifier: c})
//	go p.Run(ctx)                       // classifier workers
//	cr, _ := crawler.New(crawler.Config{Sources: srcs, Sink: p.Sink()})
//	cr.RunOnce(ctx)                     // crawl; ads flow into the stream
//	p.WaitIdle(ctx)                     // every appended ad classified and stored
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/store"
)

// Store is what the pipeline needs of the store.
type Store interface {
	// AppendAd adds an ad to the stream; the error means it was not accepted.
	AppendAd(ctx context.Context, ad recruitscan.Ad) (string, error)
	// ReadAds returns new and reclaimed stale entries for this consumer,
	// waiting up to block when there are none.
	ReadAds(ctx context.Context, consumer string, count int, block time.Duration) ([]store.StreamAd, error)
	// SaveResult stores the verdict and acknowledges msgID in one step.
	SaveResult(ctx context.Context, msgID string, ad recruitscan.Ad, v recruitscan.Verdict) (store.SaveOutcome, error)
	// FailAd records a failed attempt; after the store's limit the entry
	// goes to the dead-letter stream.
	FailAd(ctx context.Context, msgID string, cause error) (bool, error)
	// StreamInfo reports length, pending and lag of the ad stream.
	StreamInfo(ctx context.Context) (store.StreamInfo, error)
	// MarkRemoved records that a stored ad's page is gone (404/410).
	MarkRemoved(ctx context.Context, id string, at time.Time) error
}

// Classifier turns an ad into a verdict (classifier.Classifier).
type Classifier interface {
	Classify(ad recruitscan.Ad) recruitscan.Verdict
}

// Observer receives classification metrics (metrics.Metrics satisfies it).
// Dead letters are counted by the store, which moves them.
type Observer interface {
	Classified(v recruitscan.Verdict, d time.Duration)
}

// Config configures a Pipeline. Zero values mean the defaults shown.
type Config struct {
	Store      Store      // required
	Classifier Classifier // required
	// Workers is the number of classifier goroutines (default 2).
	Workers int
	// Batch is how many entries a worker reads at once (default 32).
	Batch int
	// Block is how long a read waits for new entries (default 1s); it
	// bounds how fast Run notices cancellation.
	Block time.Duration
	// Consumer names this process in the consumer group (default
	// hostname-pid); each worker appends its index.
	Consumer string
	Observer Observer     // optional
	Logger   *slog.Logger // default slog.Default()
}

// Pipeline runs classifier workers over the ad stream.
type Pipeline struct {
	cfg   Config
	mu    sync.Mutex
	stats Stats
}

// Stats counts what this process's workers did.
type Stats struct {
	Appended     int
	Classified   int
	Flagged      int
	Queued       int
	Failed       int
	DeadLettered int
	// ByLang and FlaggedByLang count classified and flagged ads by the
	// classifier's language.
	ByLang        map[string]int
	FlaggedByLang map[string]int
}

// New checks cfg and applies defaults.
func New(cfg Config) (*Pipeline, error) {
	if cfg.Store == nil || cfg.Classifier == nil {
		return nil, fmt.Errorf("pipeline: new: %w: Store and Classifier are required", recruitscan.ErrInvalid)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 32
	}
	if cfg.Block <= 0 {
		cfg.Block = time.Second
	}
	if cfg.Consumer == "" {
		h, _ := os.Hostname()
		cfg.Consumer = fmt.Sprintf("%s-%d", h, os.Getpid())
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Pipeline{cfg: cfg, stats: Stats{ByLang: map[string]int{}, FlaggedByLang: map[string]int{}}}, nil
}

// Sink returns the crawler's sink: each emitted ad is appended to the
// stream (an error means it was not accepted), and ads whose pages are gone
// are marked removed with the time: takedowns matter to investigators.
func (p *Pipeline) Sink() *StoreSink {
	return &StoreSink{Store: p.cfg.Store, appended: func() { p.update(func(s *Stats) { s.Appended++ }) }}
}

// StoreSink is the crawler's sink onto the store: ads go to the ad stream,
// removals to the stored ad. It implements crawler.Sink and crawler.Remover.
// A crawl-only process uses it directly: &pipeline.StoreSink{Store: st}.
type StoreSink struct {
	Store interface {
		AppendAd(ctx context.Context, ad recruitscan.Ad) (string, error)
		MarkRemoved(ctx context.Context, id string, at time.Time) error
	}
	appended func()
}

// Emit appends ad to the stream.
func (s *StoreSink) Emit(ctx context.Context, ad recruitscan.Ad) error {
	if _, err := s.Store.AppendAd(ctx, ad); err != nil {
		return fmt.Errorf("pipeline: append ad %s: %w", ad.URL, err)
	}
	if s.appended != nil {
		s.appended()
	}
	return nil
}

// MarkRemoved records that ad id's page was gone at the given time. An ad
// never stored (gone before it was classified) is not an error.
func (s *StoreSink) MarkRemoved(ctx context.Context, id string, at time.Time) error {
	if err := s.Store.MarkRemoved(ctx, id, at); err != nil && !errors.Is(err, recruitscan.ErrNotFound) {
		return fmt.Errorf("pipeline: mark ad %s removed: %w", id, err)
	}
	return nil
}

// Run runs the workers until ctx is done. It returns nil on cancellation;
// an entry being processed when ctx ends stays pending and is reclaimed
// later, so nothing is lost.
func (p *Pipeline) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for i := 0; i < p.cfg.Workers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p.worker(ctx, fmt.Sprintf("%s-%d", p.cfg.Consumer, i))
		}(i)
	}
	wg.Wait()
	return nil
}

func (p *Pipeline) worker(ctx context.Context, consumer string) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		batch, err := p.cfg.Store.ReadAds(ctx, consumer, p.cfg.Batch, p.cfg.Block)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			p.cfg.Logger.Warn("read ad stream", "consumer", consumer, "err", err, "retry_in", backoff)
			sleep(ctx, backoff)
			backoff = min(backoff*2, 10*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		for _, e := range batch {
			if ctx.Err() != nil {
				return
			}
			p.process(ctx, e)
		}
	}
}

func (p *Pipeline) process(ctx context.Context, e store.StreamAd) {
	start := time.Now()
	v, err := p.classify(e.Ad)
	d := time.Since(start)
	var out store.SaveOutcome
	if err == nil {
		out, err = p.cfg.Store.SaveResult(ctx, e.MsgID, e.Ad, v)
	}
	if err != nil {
		if ctx.Err() != nil {
			return // left pending; reclaimed later
		}
		dead, ferr := p.cfg.Store.FailAd(ctx, e.MsgID, err)
		p.cfg.Logger.Warn("classify ad failed", "ad", e.Ad.ID, "msg", e.MsgID, "deliveries", e.Deliveries, "dead_lettered", dead, "err", err)
		if ferr != nil {
			p.cfg.Logger.Error("record failure", "msg", e.MsgID, "err", ferr)
		}
		p.update(func(s *Stats) {
			s.Failed++
			if dead {
				s.DeadLettered++
			}
		})
		return
	}
	if p.cfg.Observer != nil {
		p.cfg.Observer.Classified(v, d)
	}
	p.update(func(s *Stats) {
		s.Classified++
		s.ByLang[v.Lang]++
		if v.Flagged {
			s.Flagged++
			s.FlaggedByLang[v.Lang]++
		}
		if out.Queued {
			s.Queued++
		}
	})
}

// errPanic wraps a classifier panic so one hostile ad cannot stop a worker.
var errPanic = errors.New("classifier panic")

func (p *Pipeline) classify(ad recruitscan.Ad) (v recruitscan.Verdict, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w on ad %s: %v", errPanic, ad.ID, r)
		}
	}()
	return p.cfg.Classifier.Classify(ad), nil
}

func (p *Pipeline) update(f func(*Stats)) {
	p.mu.Lock()
	f(&p.stats)
	p.mu.Unlock()
}

// Stats returns a copy of the counters.
func (p *Pipeline) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.ByLang = clone(p.stats.ByLang)
	s.FlaggedByLang = clone(p.stats.FlaggedByLang)
	return s
}

func clone(m map[string]int) map[string]int {
	c := make(map[string]int, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// WaitIdle returns when the stream has no undelivered and no pending
// entries, polling every 50ms, or when ctx is done.
func (p *Pipeline) WaitIdle(ctx context.Context) error {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		info, err := p.cfg.Store.StreamInfo(ctx)
		if err == nil && info.Lag == 0 && info.Pending == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			if err != nil {
				return fmt.Errorf("pipeline: wait idle: %w (last error: %v)", ctx.Err(), err)
			}
			return fmt.Errorf("pipeline: wait idle: %w (lag %d, pending %d)", ctx.Err(), info.Lag, info.Pending)
		case <-t.C:
		}
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
