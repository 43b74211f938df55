# The whole test suite, on a fresh machine: make test
.PHONY: test serve build vet bench bench-go bench-export faults replicas drills fuzz pages

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
# fake's record and exits 1 when a check fails. faults also runs the
# WhatsApp fault run, a test of cmd/lapor (docs/LOAD.md), after the
# Telegram one whatever its result.
faults:
	status=0; scripts/bench faults || status=1; \
	mkdir -p artifacts/bench; \
	LAPOR_WA_FAULTS_CITIZENS=200 LAPOR_WA_FAULTS_OUT=$(CURDIR)/artifacts/bench/whatsapp-faults \
		go test -count=1 -timeout 15m -run '^TestWhatsAppFaults$$' -v ./cmd/lapor || status=1; \
	exit $$status

replicas:
	scripts/bench replicas

# The operations drills of docs/OPERATIONS.md (also part of make test):
# restore a pg_dump into a fresh cluster; crash the primary under load and
# promote a synchronous standby.
drills:
	scripts/ensure-postgres
	go test -count=1 -timeout 10m -run '^(TestRestoreDrill|TestFailoverToStandby)$$' -v ./cmd/lapor

# The 100,000-report XLSX export in its own process: time and peak RSS.
bench-export:
	scripts/ensure-postgres
	go test -run '^$$' -bench Export100k -benchtime 1x -timeout 20m ./cmd/lapor

# Every fuzz target in scripts/fuzz-targets.txt, FUZZTIME each (default 5m).
fuzz:
	scripts/ensure-postgres
	scripts/fuzz

# The printed documents as pictures: a sample report (with an agency's answer
# and its photo) and a monthly recap, every page a PNG in artifacts/pages/
# (poppler's pdftoppm; the same test reads their text back with pdftotext).
pages:
	@command -v pdftoppm >/dev/null && command -v pdftotext >/dev/null || \
		{ echo "make pages needs poppler-utils (pdftotext, pdftoppm)"; exit 1; }
	scripts/ensure-postgres
	mkdir -p artifacts/pages
	LAPOR_PAGES_OUT=$(CURDIR)/artifacts/pages go test -count=1 -run '^TestPrintedPagesReadBack$$' -v ./cmd/lapor
