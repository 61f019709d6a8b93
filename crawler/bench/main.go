// Command bench compares the recruitscan crawler with a bare Colly
// collector and with Scrapy on one local site: pages per second and peak
// resident memory of each, crawling every page at the same parallelism
// with no delay. Each crawler runs as its own process so its peak RSS is
// its own (from wait4's rusage).
//
//	go run ./crawler/bench -pages 10000 -parallel 8
//	go run ./crawler/bench -pages 100000 -parallel 8 -only recruitscan,colly
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
	mode := fs.String("mode", "", "run one part alone: recruitscan or colly (crawl -url), or serve (the site on -url host:port)")
	url := fs.String("url", "", "the site's URL (or host:port for -mode serve)")
	only := fs.String("only", "recruitscan,colly,scrapy", "crawlers to compare")
	memprofile := fs.String("memprofile", "", "with -mode recruitscan: write a heap profile here after the crawl")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch *mode {
	case "recruitscan":
		n, err := crawlRecruitscan(*url, *pages, *parallel)
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
		return compare(*pages, *parallel, strings.Split(*only, ","))
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

func compare(pages, parallel int, only []string) error {
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
	fmt.Printf("%-12s %8s %9s %10s %12s\n", "crawler", "pages", "seconds", "pages/s", "peak RSS MB")
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
		if err := measure(name, cmd); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// measure runs one crawler process and prints its row.
func measure(name string, cmd *exec.Cmd) error {
	cmd.Stderr = os.Stderr
	start := time.Now()
	out, err := cmd.Output()
	secs := time.Since(start).Seconds()
	if err != nil {
		return err
	}
	n := 0
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "PAGES "); ok {
			n, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	if n == 0 {
		return errors.New("no PAGES line in the output:\n" + string(out))
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return errors.New("no rusage")
	}
	fmt.Printf("%-12s %8d %9.2f %10.0f %12.1f\n", name, n, secs, float64(n)/secs, float64(ru.Maxrss)/1024)
	return nil
}

// spiderPath finds spider.py beside this file's package directory.
func spiderPath() (string, error) {
	for _, dir := range []string{"crawler/bench", ".", "bench"} {
		p, _ := filepath.Abs(filepath.Join(dir, "spider.py"))
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("spider.py not found: run from the repository root")
}
