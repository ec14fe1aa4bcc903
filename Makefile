# expectspec — the two commands a new user needs:
#   make conformance   run the suite against the embedded defaults (nothing to install)
#   make test          the project's own tests: witnesses, harness, results, fuzz seeds
GO       ?= go
BIN      := bin/expectspec
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
FUZZTIME ?= 10s

.PHONY: build test conformance lint fuzz bench clean

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./suite/cmd/expectspec

# Exit status 1 from the suite means it found failures in a target: that is a result, not a
# broken build, so conformance only fails when the suite could not run (status 2).
conformance: build
	./$(BIN) run --out out; status=$$?; [ $$status -le 1 ] || exit $$status

test: lint
	$(GO) test -count=1 -timeout 20m ./...

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

# Short fuzz runs of every parser; the corpus lives in each package's testdata/fuzz.
fuzz:
	$(GO) test ./harness/h1/ -run '^$$' -fuzz FuzzParser -fuzztime $(FUZZTIME)
	$(GO) test ./results/ -run '^$$' -fuzz FuzzDecode -fuzztime $(FUZZTIME)

bench:
	$(GO) test ./suite/ ./harness/driver/ -run '^$$' -bench . -benchtime 3x

clean:
	rm -rf bin out
