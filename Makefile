# The README's two commands: `go run ./cmd/recruitscan demo` and `make test`.
.PHONY: test check bench build fuzz

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
