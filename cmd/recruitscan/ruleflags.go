package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/classifier"
	"github.com/recruitscan/recruitscan/rules"
)

// ruleFlags are the flags every classifying command shares.
type ruleFlags struct {
	dirs      stringList
	disable   stringList
	threshold string
	noModel   bool
}

func addRuleFlags(fs *flag.FlagSet) *ruleFlags {
	rf := &ruleFlags{}
	fs.Var(&rf.dirs, "rules", "a directory of your own rule packs, loaded beside the built-ins (repeatable)")
	fs.Var(&rf.disable, "disable-rule", "a rule id to disable (repeatable)")
	fs.StringVar(&rf.threshold, "threshold", "medium", "review threshold: flagged when level >= this (low, medium, high)")
	fs.BoolVar(&rf.noModel, "no-model", false, "rules alone, without the statistical text model")
	return rf
}

func (rf *ruleFlags) classifier() (*classifier.Classifier, error) {
	th, err := recruitscan.ParseLevel(rf.threshold)
	if err != nil || th == recruitscan.LevelNone {
		return nil, fmt.Errorf("%w: --threshold %q: want low, medium or high", errUsage, rf.threshold)
	}
	return buildClassifier(rules.Config{Dirs: rf.dirs, Disable: rf.disable}, th, !rf.noModel)
}

// buildClassifier loads the rules and, with model, the embedded text model.
func buildClassifier(cfg rules.Config, th recruitscan.Level, model bool) (*classifier.Classifier, error) {
	rs, err := rules.Load(cfg)
	if err != nil {
		return nil, err // rules.Load names the operation and each file:line:col
	}
	if model {
		return classifier.NewWithBuiltinModel(classifier.Config{Rules: rs, Threshold: th})
	}
	return classifier.New(classifier.Config{Rules: rs, Threshold: th})
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func rulesConfig(cfg *Config) rules.Config {
	return rules.Config{Dirs: cfg.Rules.Dirs, Disable: cfg.Rules.Disable}
}
