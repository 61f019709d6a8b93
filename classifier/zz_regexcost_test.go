package classifier

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/recruitscan/recruitscan/rules"
	"github.com/recruitscan/recruitscan/rules/norm"
)

func TestZZRegexCost(t *testing.T) {
	c := builtin(t)
	f, _ := os.Open("../../shared/data/dev-ads.jsonl")
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	var ads [][]field
	for sc.Scan() {
		var d struct{ Title, Body string }
		json.Unmarshal(sc.Bytes(), &d)
		ads = append(ads, []field{{orig: d.Title, n: norm.Normalize(d.Title)}, {orig: d.Body, n: norm.Normalize(d.Body)}})
	}
	cost := map[string]time.Duration{}
	for rep := 0; rep < 20; rep++ {
		for _, fs := range ads {
			o := scan(c.rules, fs)
			for idx, ro := range o.byRule {
				if ro == nil {
					continue
				}
				r := c.rules.Rules()[idx]
				if len(r.Regex) == 0 || len(ro.roles[rules.RoleTrigger]) == 0 {
					continue
				}
				t0 := time.Now()
				regexMatches(r, fs, ro.roles[rules.RoleTrigger])
				cost[r.ID] += time.Since(t0)
			}
		}
	}
	var ids []string
	for id := range cost {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return cost[ids[i]] > cost[ids[j]] })
	for _, id := range ids {
		fmt.Printf("%-45s %v per ad\n", id, cost[id]/time.Duration(20*len(ads)))
	}
}
