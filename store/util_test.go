package store

import (
	"context"
	"strconv"
)

func ctxBG() context.Context { return context.Background() }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
