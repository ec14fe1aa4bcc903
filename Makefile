# expectspec — the two commands a new user needs:
#   make conformance   run the suite against the embedded defaults (nothing to install)
#   make test          the project's own tests: witnesses, harness, results, fuzz seeds
GO       ?= go
BIN      := bin/expectspec
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
FUZZTIME ?= 10s

.PHONY: build test conformance matrix baseline baseline-check lint fuzz bench clean

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./suite/cmd/expectspec

# Exit status 1 from the suite means it found failures in a target: that is a result, not a
# broken build, so conformance only fails when the suite could not run (status 2).
conformance: build
	./$(BIN) run --out out; status=$$?; [ $$status -le 1 ] || exit $$status

# The compatibility table from real servers: installs their Debian packages (as root), starts each
# from its committed config on loopback, runs the suite against it and stops it. ONLY=a,b picks
# recipes (`./bin/expectspec matrix --list` names them). Writes out/matrix/table.html and table.md.
ONLY ?=
# Three implementations at once: a run mostly waits (stalls to their deadline, JVMs starting), so
# on two cores the full matrix takes about 4 minutes instead of 11 (MATRIX_FLAGS=--parallel 1 for
# one at a time).
MATRIX_FLAGS ?= --parallel 3
matrix: build
	harness/recipes/install-debian.sh $$(./$(BIN) matrix --packages $(if $(ONLY),--only $(ONLY)))
	./$(BIN) matrix --out out/matrix $(if $(ONLY),--only $(ONLY)) $(MATRIX_FLAGS)

# Refresh the committed baseline (results/baseline/) from a full matrix run; review its diff.
baseline: matrix
	rm -f results/baseline/*.json
	for f in out/matrix/*.json; do [ "$$(basename $$f)" = results.json ] || cp $$f results/baseline/; done
	cp out/matrix/table.md results/baseline/table.md

# The real servers CI checks against the baseline (fast ones; see .ci/baseline-check).
baseline-check: build
	.ci/baseline-check

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
