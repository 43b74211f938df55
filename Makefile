# The whole test suite, on a fresh machine: make test
.PHONY: test serve build vet bench bench-go bench-export faults replicas fuzz

test:
	scripts/ensure-postgres
	scripts/ensure-chromium
	scripts/ensure-nginx
	go vet ./...
	go vet -tags nowhatsapp ./cmd/... ./bot/...
	go test -race -count=1 -timeout 30m ./...

serve:
	scripts/ensure-postgres
	go run ./cmd/lapor serve

build:
	CGO_ENABLED=0 go build -trimpath -o lapor ./cmd/lapor

# The load tool's standard scenarios against a built lapor (docs/LOAD.md);
# reports in artifacts/bench/.
bench:
	scripts/bench

# The Go micro-benchmarks.
bench-go:
	scripts/ensure-postgres
	go test -run '^$$' -bench . -benchmem ./...

# Fault and replica runs; each asserts zero loss from the database and the
# fake Bot API's record and exits 1 when a check fails.
faults:
	scripts/bench faults

replicas:
	scripts/bench replicas

# The 100,000-report XLSX export in its own process: time and peak RSS.
bench-export:
	scripts/ensure-postgres
	go test -run '^$$' -bench Export100k -benchtime 1x -timeout 20m ./cmd/lapor

# Every fuzz target in scripts/fuzz-targets.txt, FUZZTIME each (default 5m).
fuzz:
	scripts/ensure-postgres
	scripts/fuzz
