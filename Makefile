# The README's two commands: `go run ./cmd/recruitscan demo` and `make test`.
.PHONY: test check bench build test-cluster bench-store measure-demo

build:
	go build -o bin/recruitscan ./cmd/recruitscan

# The whole suite with -race against real Redis, Chromium and promtool
# (started or installed as needed: see scripts/test.sh).
test:
	./scripts/test.sh

# Formatting and vet, as CI runs them before the tests.
check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...

bench:
	go test -run '^$$' -bench . -benchmem ./...

# The store's suite on a 3-master Redis Cluster on loopback ports (proves
# the hash tags; make test's store tests also start one of their own).
test-cluster:
	store/testdata/cluster.sh

# Store benchmarks side by side with redis-benchmark on the same server.
bench-store:
	store/bench.sh

# The demo's figures: time to ready, peak RSS, scan throughput.
measure-demo:
	scripts/measure-demo.sh
