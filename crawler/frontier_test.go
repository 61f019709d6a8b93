package crawler_test

import (
	"testing"

	"github.com/recruitscan/recruitscan/crawler"
	"github.com/recruitscan/recruitscan/crawler/frontiertest"
	"github.com/recruitscan/recruitscan/internal/clock"
)

func TestMemFrontierContract(t *testing.T) {
	frontiertest.Test(t, func(_ *testing.T, clk *clock.Fake) crawler.Frontier { return crawler.NewMemFrontier(clk) })
}
