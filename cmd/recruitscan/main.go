// Command recruitscan is the online-recruitment risk scanner: it crawls job
// ads, classifies them with multilingual rules, queues the risky ones in
// Redis for human review and serves the reviewer UI, the API and metrics.
//
// Run `recruitscan help` for the subcommands. main only maps errors to exit
// codes; everything else is in (*Main).Run so that tests can drive it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Env is what a subcommand may touch of the outside world.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// command is one subcommand. Each lives in its own file and registers
// itself from init, so the table grows without editing this file.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, env *Env, args []string) error) {
	if _, dup := commands[name]; dup {
		panic("duplicate command " + name)
	}
	commands[name] = command{name: name, summary: summary, run: run}
}

// errUsage marks errors that are the caller's words being off (exit 2).
var errUsage = errors.New("usage")

// exitError carries a specific exit code (for example scan's 1 after
// processing every line when some were malformed).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// Main runs one invocation.
type Main struct{ Env *Env }

// Run dispatches args[0] to its subcommand.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		m.usage(m.Env.Stdout)
		return nil
	}
	c, ok := commands[args[0]]
	if !ok {
		m.usage(m.Env.Stderr)
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
	}
	return c.run(ctx, m.Env, args[1:])
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "usage: recruitscan <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'recruitscan <command> -h' for a command's flags.")
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Env: &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}}
	err := m.Run(ctx, os.Args[1:])
	os.Exit(exitCode(err, os.Stderr))
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "recruitscan:", ee.err)
		}
		return ee.code
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "recruitscan") {
		msg = "recruitscan: " + msg
	}
	fmt.Fprintln(stderr, msg)
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}
