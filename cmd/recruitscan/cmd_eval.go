package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/recruitscan/recruitscan/internal/eval"
)

func init() {
	register("eval", "measure the classifier on labelled ads (JSONL or CSV)", runEval)
}

// runEval: recruitscan eval [--fp-only] [--csv-map title=col,...] [-v] FILE...
func runEval(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	rf := addRuleFlags(fs)
	fpOnly := fs.Bool("fp-only", false, "the input is lawful ads: everything flagged is a false positive")
	csvMap := fs.String("csv-map", "", "CSV columns: title=col,body=col1+col2,label=col,positive=value,id=col,lang=col")
	quiet := fs.Bool("q", false, "figures only, without the false positives and misses")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: recruitscan eval [flags] FILE.jsonl|FILE.csv ...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("%w: eval needs at least one file", errUsage)
	}
	c, err := rf.classifier()
	if err != nil {
		return err
	}
	var exs []eval.Example
	for _, name := range fs.Args() {
		e, err := readExamples(name, *csvMap)
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		exs = append(exs, e...)
	}
	rep := eval.Run(c, exs, eval.Options{FPOnly: *fpOnly})
	d := eval.Verbose
	if *quiet {
		d = eval.Summary
	}
	rep.Write(env.Stdout, d)
	return ctx.Err()
}

func readExamples(name, csvMap string) ([]eval.Example, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if strings.EqualFold(filepath.Ext(name), ".csv") {
		var m eval.CSVMap
		if csvMap != "" {
			if m, err = eval.ParseCSVMap(csvMap); err != nil {
				return nil, err
			}
		}
		return eval.ReadCSV(f, name, m)
	}
	return eval.ReadJSONL(f, name)
}
