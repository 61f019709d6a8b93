package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/classifier"
	"github.com/recruitscan/recruitscan/classifier/textmodel"
	"github.com/recruitscan/recruitscan/internal/eval"
	"github.com/recruitscan/recruitscan/rules"
)

func init() {
	register("bench", "measure the classifier: bench classify [--corpus FILE] [--mb N]", runBench)
}

// benchFlags are bench classify's knobs.
type benchFlags struct {
	corpus     string
	mb         int
	rg         string
	cpuprofile string
	rounds     int
}

// runBench: recruitscan bench classify. It replicates the dev corpus to
// --mb megabytes, every copy varied, and prints on one core: the full
// classifier (ads/s, MB/s), normalisation+matching alone (MB/s), ripgrep
// with the packs' phrases on the same bytes, heap and pack load time.
func runBench(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "classify" {
		fmt.Fprintln(env.Stderr, "usage: recruitscan bench classify [--corpus FILE] [--mb N] [--rg PATH]")
		return fmt.Errorf("%w: bench needs the subcommand classify", errUsage)
	}
	fs := flag.NewFlagSet("bench classify", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var bf benchFlags
	fs.StringVar(&bf.corpus, "corpus", defaultCorpus(), "labelled JSONL corpus to replicate")
	fs.IntVar(&bf.mb, "mb", 50, "megabytes of ad text to classify")
	fs.StringVar(&bf.rg, "rg", "rg", "ripgrep binary for the reference run (\"\" to skip)")
	fs.StringVar(&bf.cpuprofile, "cpuprofile", "", "write a CPU profile of the measured runs to this file")
	fs.IntVar(&bf.rounds, "rounds", 3, "interleaved rounds; each row shows its fastest and slowest")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if bf.rounds < 1 {
		return fmt.Errorf("%w: --rounds must be at least 1", errUsage)
	}
	runtime.GOMAXPROCS(1) // one core, as the targets are stated
	return benchClassify(ctx, env.Stdout, bf)
}

func defaultCorpus() string {
	for _, p := range []string{"../shared/data/dev-ads.jsonl", "../../shared/data/dev-ads.jsonl", "/work/shared/data/dev-ads.jsonl"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "../shared/data/dev-ads.jsonl"
}

func benchClassify(ctx context.Context, w io.Writer, bf benchFlags) error {
	t0 := time.Now()
	rs, err := rules.LoadBuiltin()
	if err != nil {
		return err
	}
	load := time.Since(t0)
	t0 = time.Now()
	model, err := textmodel.Builtin()
	if err != nil {
		return err
	}
	modelLoad := time.Since(t0)
	c, err := classifier.New(classifier.Config{Rules: rs, Model: model})
	if err != nil {
		return err
	}
	rulesOnly, err := classifier.New(classifier.Config{Rules: rs})
	if err != nil {
		return err
	}
	warm, _, err := replicate(bf.corpus, 1)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	for _, a := range warm { // every language model and table the corpus needs
		c.Classify(a)
	}
	heap := heapOf(c) // before the corpus is in memory
	warm = nil
	ads, size, err := replicate(bf.corpus, bf.mb<<20)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	fmt.Fprintf(w, "corpus: %s replicated to %d ads, %.1f MB of title+body, no two alike\n", bf.corpus, len(ads), mb(size))
	fmt.Fprintf(w, "pack load (all built-in packs): %v, %d rules, %d phrases\n", load.Round(time.Millisecond), len(rs.Rules()), len(rs.Phrases()))
	fmt.Fprintf(w, "text model load: %v, %d features\n", modelLoad.Round(time.Millisecond), model.Features())
	if bf.cpuprofile != "" {
		f, err := os.Create(bf.cpuprofile)
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	// Rounds, interleaved, each row keeping its fastest and slowest run:
	// on a shared machine a burst of other load then hits one run, not
	// one row, and the spread shows how noisy the machine was.
	var full, bare, match spread
	for range bf.rounds {
		full.add(measure(ctx, func(a recruitscan.Ad) { c.Classify(a) }, ads))
		bare.add(measure(ctx, func(a recruitscan.Ad) { rulesOnly.Classify(a) }, ads))
		match.add(measure(ctx, func(a recruitscan.Ad) { c.Match(a.Title, a.Body) }, ads))
	}
	fmt.Fprintf(w, "\n%-32s %12s %12s %12s %10s %14s\n", "one core, fastest of "+strconv.Itoa(bf.rounds), "ads/s", "MB/s (CPU)", "MB/s (wall)", "CPU s", "slowest ads/s")
	full.print(w, "full classifier", len(ads), size)
	bare.print(w, "full classifier, no text model", len(ads), size)
	match.print(w, "normalisation + matching", len(ads), size)
	if bf.rg != "" {
		rg, err := ripgrep(ctx, bf.rg, rs, ads)
		if err != nil {
			fmt.Fprintf(w, "%-32s %v\n", "ripgrep -F -i -c -f phrases", err)
		} else {
			rg.print(w, "ripgrep -F -i -c -f phrases", len(ads), size, "-")
			fmt.Fprintf(w, "\nnormalisation+matching / ripgrep (CPU MB/s): %.2fx\n", match.best.rate(size)/rg.rate(size))
		}
	}
	fmt.Fprintf(w, "classifier heap after classifying the corpus once (rules, automata, tables, language models): %.1f MB\n", mb(heap))
	return ctx.Err()
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// replicate reads the corpus and copies it until it holds at least target
// bytes of title+body; each copy is varied (a copy number in the title, the
// digits of the body shifted) so a cache keyed by content measures nothing.
func replicate(path string, target int) ([]recruitscan.Ad, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	exs, err := eval.ReadJSONL(f, path)
	if err != nil {
		return nil, 0, err
	}
	if len(exs) == 0 {
		return nil, 0, fmt.Errorf("%s: no ads: %w", path, recruitscan.ErrInvalid)
	}
	var ads []recruitscan.Ad
	var size int64
	for copyN := 0; size < int64(target); copyN++ {
		for _, ex := range exs {
			a := recruitscan.Ad{ID: fmt.Sprintf("%s#%d", ex.ID, copyN), Title: fmt.Sprintf("%s (%d)", ex.Title, copyN), Body: vary(ex.Body, copyN)}
			ads = append(ads, a)
			size += int64(len(a.Title) + len(a.Body))
		}
	}
	return ads, size, nil
}

// vary shifts every ASCII digit of s by n and appends a reference line.
func vary(s string, n int) string {
	b := []byte(s)
	for i, c := range b {
		if c >= '0' && c <= '9' {
			b[i] = '0' + (c-'0'+byte(n))%10
		}
	}
	return string(b) + fmt.Sprintf("\nref %d", n)
}

// result is one measured run.
type result struct {
	cpu, wall time.Duration
}

func (r result) rate(size int64) float64 { return mb(size) / r.cpu.Seconds() }

// spread is a row's fastest and slowest run.
type spread struct{ best, worst result }

func (s *spread) add(r result) {
	if s.best.cpu == 0 || r.cpu < s.best.cpu {
		s.best = r
	}
	if r.cpu > s.worst.cpu {
		s.worst = r
	}
}

func (s spread) print(w io.Writer, name string, n int, size int64) {
	s.best.print(w, name, n, size, fmt.Sprintf("%.0f", float64(n)/s.worst.cpu.Seconds()))
}

func (r result) print(w io.Writer, name string, n int, size int64, slowest string) {
	ads := "-"
	if n > 0 && !strings.HasPrefix(name, "ripgrep") {
		ads = fmt.Sprintf("%.0f", float64(n)/r.cpu.Seconds())
	}
	fmt.Fprintf(w, "%-32s %12s %12.1f %12.1f %10.2f %14s\n", name, ads, r.rate(size), mb(size)/r.wall.Seconds(), r.cpu.Seconds(), slowest)
}

// measure runs fn over every ad on one locked OS thread and reports that
// thread's CPU time (other processes on a busy machine do not count) and
// the wall time.
func measure(ctx context.Context, fn func(recruitscan.Ad), ads []recruitscan.Ad) result {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	runtime.GC()
	c0, w0 := threadCPU(), time.Now()
	for i, a := range ads {
		if i%4096 == 0 && ctx.Err() != nil {
			break
		}
		fn(a)
	}
	return result{cpu: threadCPU() - c0, wall: time.Since(w0)}
}

// threadCPU is the calling thread's user+system CPU time (Linux
// RUSAGE_THREAD).
func threadCPU() time.Duration {
	const rusageThread = 1
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// heapOf is the live heap held with the classifier alive after a GC.
func heapOf(c *classifier.Classifier) int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	runtime.KeepAlive(c)
	return int64(m.HeapAlloc)
}

// ripgrep runs `rg -F -i -c -f phrases` with one thread on the same bytes
// (title and body of every ad) and reports its CPU time.
func ripgrep(ctx context.Context, bin string, rs *rules.RuleSet, ads []recruitscan.Ad) (result, error) {
	dir, err := os.MkdirTemp("", "recruitscan-bench-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	corpus, phrases := filepath.Join(dir, "ads.txt"), filepath.Join(dir, "phrases.txt")
	var sb strings.Builder
	for _, a := range ads {
		sb.WriteString(a.Title)
		sb.WriteByte('\n')
		sb.WriteString(a.Body)
		sb.WriteByte('\n')
	}
	if err := os.WriteFile(corpus, []byte(sb.String()), 0o600); err != nil {
		return result{}, err
	}
	if err := os.WriteFile(phrases, []byte(strings.Join(rs.Phrases(), "\n")+"\n"), 0o600); err != nil {
		return result{}, err
	}
	cmd := exec.CommandContext(ctx, bin, "-j1", "-F", "-i", "-c", "-f", phrases, corpus)
	cmd.Stdout = io.Discard
	w0 := time.Now()
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 { // 1 = no match
			return result{}, fmt.Errorf("run %s: %w", bin, err)
		}
	}
	ps := cmd.ProcessState
	return result{cpu: ps.UserTime() + ps.SystemTime(), wall: time.Since(w0)}, nil
}
