package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/recruitscan/recruitscan/classifier"
	"github.com/recruitscan/recruitscan/rules"
)

func init() {
	register("rules", "rule packs: test (run every example), lint, export-phrases", runRules)
}

// runRules: recruitscan rules test|lint|export-phrases [--dir DIR]... [--no-builtin]
func runRules(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(env.Stderr, "usage: recruitscan rules test|lint|export-phrases [--dir DIR]... [--no-builtin]")
		return fmt.Errorf("%w: rules needs a subcommand", errUsage)
	}
	sub := args[0]
	fs := flag.NewFlagSet("rules "+sub, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var dirs stringList
	fs.Var(&dirs, "dir", "a directory of your own rule packs, loaded beside the built-ins (repeatable)")
	noBuiltin := fs.Bool("no-builtin", false, "leave the built-in packs out (check your packs alone)")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	rs, err := rules.Load(rules.Config{Dirs: dirs, NoBuiltin: *noBuiltin})
	if err != nil {
		return err
	}
	switch sub {
	case "test":
		return rulesTest(env, rs)
	case "lint":
		return rulesLint(env, rs)
	case "export-phrases":
		for _, p := range rs.Phrases() {
			fmt.Fprintln(env.Stdout, p)
		}
		return ctx.Err()
	}
	return fmt.Errorf("%w: unknown rules subcommand %q (want test, lint or export-phrases)", errUsage, sub)
}

func rulesTest(env *Env, rs *rules.RuleSet) error {
	c, err := classifier.New(classifier.Config{Rules: rs})
	if err != nil {
		return err
	}
	fails, n := c.TestExamples()
	for _, f := range fails {
		fmt.Fprintln(env.Stdout, f)
	}
	fmt.Fprintf(env.Stdout, "%d rules, %d examples, %d failed (rules %s)\n", len(rs.Rules()), n, len(fails), rs.Version())
	if len(fails) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("rules test: %d of %d examples failed", len(fails), n)}
	}
	return nil
}

func rulesLint(env *Env, rs *rules.RuleSet) error {
	fs := rs.Lint()
	for _, f := range fs {
		fmt.Fprintln(env.Stdout, f)
	}
	fmt.Fprintf(env.Stdout, "%d rules, %d findings\n", len(rs.Rules()), len(fs))
	if len(fs) > 0 {
		return &exitError{code: 1, err: fmt.Errorf("rules lint: %d findings", len(fs))}
	}
	return nil
}
