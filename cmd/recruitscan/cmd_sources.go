package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/crawler"
)

func init() {
	register("sources", "sources check CONFIG: fetch one page per source and show what each selector extracts", runSources)
}

func runSources(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "check" {
		return fmt.Errorf("%w: recruitscan sources check [--json] [--source ID] CONFIG", errUsage)
	}
	fs := flag.NewFlagSet("sources check", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	asJSON := fs.Bool("json", false, "print the reports as JSON")
	only := fs.String("source", "", "check only this source id")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: recruitscan sources check [--json] [--source ID] CONFIG", errUsage)
	}
	cfg, err := LoadConfig(fs.Arg(0))
	if err != nil {
		return err
	}
	var srcs []recruitscan.Source
	for _, s := range cfg.Sources {
		if *only == "" || s.ID == *only {
			srcs = append(srcs, s)
		}
	}
	if len(srcs) == 0 {
		return fmt.Errorf("sources check: %s: no source %q", fs.Arg(0), *only)
	}
	cr, err := crawler.New(crawler.Config{Sources: srcs, Sink: discardSink{}, Logger: newLogger(io.Discard)})
	if err != nil {
		return err
	}
	failed := 0
	for _, s := range srcs {
		rep, err := cr.Check(ctx, s)
		if err != nil {
			return err
		}
		for _, p := range rep.Pages {
			if p.Error != "" {
				failed++
			}
		}
		if *asJSON {
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(rep); err != nil {
				return err
			}
			continue
		}
		printCheck(env.Stdout, rep)
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("sources check: %d page(s) failed; see above", failed)}
	}
	return nil
}

func printCheck(w io.Writer, rep crawler.CheckReport) {
	fmt.Fprintf(w, "source %s\n", rep.SourceID)
	for _, p := range rep.Pages {
		fmt.Fprintf(w, "  page %s (%s)\n", p.URL, p.Kind)
		if p.Error != "" {
			fmt.Fprintf(w, "    ERROR: %s\n", p.Error)
			continue
		}
		fmt.Fprintf(w, "    status %d, %s, %d bytes, final URL %s\n", p.Status, p.ContentType, p.Bytes, p.FinalURL)
		for _, s := range p.Selectors {
			fmt.Fprintf(w, "    %-9s %-28q %3d match(es)", s.Field, s.Selector, s.Matches)
			for _, x := range s.Samples {
				fmt.Fprintf(w, "  | %s", oneLine(x, 60))
			}
			fmt.Fprintln(w)
		}
		if len(p.Links) > 0 {
			fmt.Fprintf(w, "    %d link(s) to follow, first: %s\n", len(p.Links), p.Links[0].URL)
		}
		for i, ad := range p.Ads {
			if i == 3 {
				fmt.Fprintf(w, "    … %d more ads\n", len(p.Ads)-3)
				break
			}
			fmt.Fprintf(w, "    ad: %s | %s\n", oneLine(ad.Title, 60), oneLine(ad.Body, 80))
		}
	}
}

// discardSink is for commands that extract without storing.
type discardSink struct{}

func (discardSink) Emit(context.Context, recruitscan.Ad) error { return nil }
