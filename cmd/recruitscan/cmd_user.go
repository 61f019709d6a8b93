package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/review"
)

func init() {
	register("user", "add a user, change a password or disable a user in the config file", runUser)
}

// runUser edits the users list of a config file in place, keeping its
// comments. The password is read from the first line of stdin (never from
// a flag, so it stays out of shell history and process lists).
func runUser(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: recruitscan user add|passwd|disable NAME --config FILE", errUsage)
	}
	verb := args[0]
	fs := flag.NewFlagSet("user "+verb, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfgPath := fs.String("config", "recruitscan.yaml", "the config file to edit")
	role := fs.String("role", "reviewer", "role for add: reviewer, lead or admin")
	langs := fs.String("languages", "", "comma-separated languages the user reviews, for add (ar,ur)")
	// NAME may stand before or after the flags.
	var name string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		if fs.NArg() == 0 || name != "" {
			break
		}
		name, rest = fs.Arg(0), fs.Args()[1:]
	}
	if name == "" || fs.NArg() != 0 {
		return fmt.Errorf("%w: recruitscan user %s NAME --config FILE", errUsage, verb)
	}
	b, err := os.ReadFile(*cfgPath)
	if err != nil {
		return fmt.Errorf("user %s: %w", verb, err)
	}
	if _, err := ParseConfig(*cfgPath, b); err != nil && !strings.Contains(err.Error(), "password_hash") {
		return fmt.Errorf("user %s: fix the config first:\n%w", verb, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("user %s: %s: %w", verb, *cfgPath, err)
	}
	users := usersNode(&doc)
	idx := findUser(users, name)
	switch verb {
	case "add":
		if idx >= 0 {
			return fmt.Errorf("user add: %s: user %q exists (use passwd)", *cfgPath, name)
		}
		r := recruitscan.Role(*role)
		if !r.Valid() {
			return fmt.Errorf("%w: --role %q: want reviewer, lead or admin", errUsage, *role)
		}
		hash, err := readPasswordHash(env)
		if err != nil {
			return err
		}
		u := UserConfig{Name: name, Role: r, PasswordHash: hash}
		if *langs != "" {
			u.Languages = strings.Split(*langs, ",")
		}
		var n yaml.Node
		if err := n.Encode(u); err != nil {
			return err
		}
		users.Content = append(users.Content, &n)
	case "passwd":
		if idx < 0 {
			return fmt.Errorf("user passwd: %s: no user %q", *cfgPath, name)
		}
		hash, err := readPasswordHash(env)
		if err != nil {
			return err
		}
		setKey(users.Content[idx], "password_hash", hash)
	case "disable":
		if idx < 0 {
			return fmt.Errorf("user disable: %s: no user %q", *cfgPath, name)
		}
		setKey(users.Content[idx], "disabled", "true")
	default:
		return fmt.Errorf("%w: user %q: want add, passwd or disable", errUsage, verb)
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	if _, err := ParseConfig(*cfgPath, out.Bytes()); err != nil && !strings.Contains(err.Error(), "password_hash") {
		return fmt.Errorf("user %s: the edited config would not load (nothing written): %w", verb, err)
	}
	tmp := *cfgPath + ".tmp"
	if err := os.WriteFile(tmp, out.Bytes(), 0o600); err != nil {
		return fmt.Errorf("user %s: %w", verb, err)
	}
	if err := os.Rename(tmp, *cfgPath); err != nil {
		return fmt.Errorf("user %s: %w", verb, err)
	}
	fmt.Fprintf(env.Stdout, "user %s: %s done in %s\n", name, verb, *cfgPath)
	return nil
}

func readPasswordHash(env *Env) (string, error) {
	fmt.Fprintln(env.Stderr, "password (one line on stdin):")
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("read password: %w", err)
	}
	return review.HashPassword(strings.TrimRight(line, "\r\n"))
}

// usersNode returns the users sequence of the document, creating it.
func usersNode(doc *yaml.Node) *yaml.Node {
	if doc.Kind == 0 {
		doc.Kind = yaml.DocumentNode
	}
	if len(doc.Content) == 0 {
		doc.Content = []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "users" {
			n := root.Content[i+1]
			if n.Kind != yaml.SequenceNode {
				*n = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			}
			return n
		}
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "users"}, seq)
	return seq
}

func findUser(users *yaml.Node, name string) int {
	for i, u := range users.Content {
		for j := 0; j+1 < len(u.Content); j += 2 {
			if u.Content[j].Value == "name" && u.Content[j+1].Value == name {
				return i
			}
		}
	}
	return -1
}

func setKey(m *yaml.Node, key, val string) {
	for j := 0; j+1 < len(m.Content); j += 2 {
		if m.Content[j].Value == key {
			m.Content[j+1].Value = val
			m.Content[j+1].Tag = ""
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, &yaml.Node{Kind: yaml.ScalarNode, Value: val})
}
