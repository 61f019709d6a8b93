// Command bench compares the recruitscan crawler with a bare Colly
// collector and with Scrapy on one local site: pages per second and peak
// resident memory of each, crawling every page at the same parallelism
// with no delay. Each crawler runs as its own process so its peak RSS is
// its own (from wait4's rusage).
//
//	go run ./internal/crawlbench -pages 10000 -parallel 8
//	go run ./internal/crawlbench -pages 100000 -parallel 8 -only recruitscan,recruitscan-redis,colly
//
// recruitscan-redis keeps the frontier in Redis (REDIS_URL, default the
// local server), as production crawl workers do.
//
// The site has listing pages of 19 job links each with a pagination bar
// of the next ten listing pages, and job pages of about 2 KB: pages/20
// listings and the rest jobs.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	pages := fs.Int("pages", 10000, "pages on the site")
	parallel := fs.Int("parallel", 8, "concurrent requests")
	mode := fs.String("mode", "", "run one part alone: recruitscan, recruitscan-redis or colly (crawl -url), or serve (the site on -url host:port)")
	url := fs.String("url", "", "the site's URL (or host:port for -mode serve)")
	only := fs.String("only", "recruitscan,recruitscan-redis,colly,scrapy", "crawlers to compare")
	memprofile := fs.String("memprofile", "", "with -mode recruitscan: write a heap profile here after the crawl")
	cpuprofile := fs.String("cpuprofile", "", "with -mode recruitscan: write a CPU profile of the crawl here")
	runs := fs.Int("runs", 3, "runs of each crawler; the median pages/s and the largest peak RSS are reported")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch *mode {
	case "recruitscan", "recruitscan-redis":
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				return err
			}
			defer f.Close()
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
		n, err := crawlRecruitscan(*url, *pages, *parallel, *mode == "recruitscan-redis")
		if err == nil && *memprofile != "" {
			err = writeHeap(*memprofile)
		}
		return report(n, err)
	case "colly":
		return report(crawlColly(*url, *parallel))
	case "serve":
		fmt.Println("serving", *pages, "pages on", *url)
		return http.ListenAndServe(*url, newSite(*pages))
	case "":
		return compare(*pages, *parallel, *runs, strings.Split(*only, ","))
	}
	return fmt.Errorf("unknown mode %q", *mode)
}

func writeHeap(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC()
	return pprof.WriteHeapProfile(f)
}

// report prints the child's result line for the driver.
func report(n int, err error) error {
	if err != nil {
		return err
	}
	fmt.Printf("PAGES %d\n", n)
	return nil
}

func compare(pages, parallel, runs int, only []string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: newSite(pages), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	fmt.Printf("site: %d pages at %s, parallelism %d, GOMAXPROCS %d\n", pages, url, parallel, runtime.GOMAXPROCS(0))
	fmt.Printf("%-18s %8s %9s %10s %12s   (median of %d runs; largest RSS)\n", "crawler", "pages", "seconds", "pages/s", "peak RSS MB", runs)
	for _, name := range only {
		var cmd *exec.Cmd
		switch name {
		case "scrapy":
			spider, err := spiderPath()
			if err != nil {
				return err
			}
			cmd = exec.Command("scrapy", "runspider", spider, "-a", "url="+url, "-s", "CONCURRENT_REQUESTS="+strconv.Itoa(parallel),
				"-s", "CONCURRENT_REQUESTS_PER_DOMAIN="+strconv.Itoa(parallel), "-s", "LOG_LEVEL=WARNING")
		default:
			cmd = exec.Command(self, "-mode", name, "-url", url, "-pages", strconv.Itoa(pages), "-parallel", strconv.Itoa(parallel))
		}
		if err := measure(name, cmd, runs); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// measure runs one crawler process runs times and prints its row: the
// median rate and the largest peak RSS.
func measure(name string, cmd *exec.Cmd, runs int) error {
	var rates []float64
	var secs []float64
	n, maxRSS := 0, int64(0)
	for range max(runs, 1) {
		c := exec.Command(cmd.Path, cmd.Args[1:]...)
		c.Stderr = os.Stderr
		start := time.Now()
		out, err := c.Output()
		d := time.Since(start).Seconds()
		if err != nil {
			return err
		}
		if n, err = pagesLine(out); err != nil {
			return err
		}
		ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			return errors.New("no rusage")
		}
		maxRSS = max(maxRSS, ru.Maxrss)
		rates, secs = append(rates, float64(n)/d), append(secs, d)
	}
	sort.Float64s(rates)
	sort.Float64s(secs)
	fmt.Printf("%-18s %8d %9.2f %10.0f %12.1f\n", name, n, secs[len(secs)/2], rates[len(rates)/2], float64(maxRSS)/1024)
	return nil
}

func pagesLine(out []byte) (int, error) {
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "PAGES "); ok {
			return strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return 0, errors.New("no PAGES line in the output:\n" + string(out))
}

// spiderPath finds spider.py beside this file's package directory.
func spiderPath() (string, error) {
	for _, dir := range []string{"internal/crawlbench", ".", "crawlbench"} {
		p, _ := filepath.Abs(filepath.Join(dir, "spider.py"))
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("spider.py not found: run from the repository root")
}
