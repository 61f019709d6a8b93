package pipeline

import (
	"testing"

	"github.com/recruitscan/recruitscan/crawler"
	"github.com/recruitscan/recruitscan/crawler/frontiertest"
	"github.com/recruitscan/recruitscan/internal/clock"
	"github.com/recruitscan/recruitscan/internal/testredis"
	"github.com/recruitscan/recruitscan/store"
)

// The adapter keeps the crawler's frontier contract on real Redis.
func TestCrawlFrontierContract(t *testing.T) {
	frontiertest.Test(t, func(t *testing.T, clk *clock.Fake) crawler.Frontier {
		c, prefix := testredis.Client(t)
		st, err := store.New(store.Config{Client: c, Prefix: prefix, Clock: clk})
		if err != nil {
			t.Fatal(err)
		}
		return CrawlFrontier(st.Frontier())
	})
}
