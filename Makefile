# termgoal — run `make` for the list of targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

GO  ?= go
BIN := $(CURDIR)/bin

TEMPORAL_CLI_VERSION  := v1.5.1
# The server the tests and `make cluster` run; it needs a newer Go than ours to build
# (devenv.TemporalServerVersion says why not the CLI's dev server).
TEMPORAL_SERVER_VERSION := v1.32.2
SERVER_TOOLCHAIN      := go1.27.3
STATICCHECK_VERSION   := v0.8.2
WORKFLOWCHECK_VERSION := v0.6.0
GOSEC_VERSION         := v2.30.0
CYCLONEDX_VERSION     := v1.10.0

# Tests and `termgoal dev` find bin/temporal through it (devenv.Root).
TERMGOAL_ROOT ?= $(CURDIR)
export TERMGOAL_ROOT

# apt-get needs root; use sudo when we are not.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT  := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: help run cluster chaos test-cluster bench-cluster build test lint fuzz sbom bench bench-all tools browser postgres clean-data

# How long `make fuzz` runs each fuzz target.
FUZZTIME ?= 15s

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-11s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

run: $(BIN)/temporal build ## run everything locally (Temporal dev server, PostgreSQL, app) on embedded defaults; Ctrl-C stops it
	$(BIN)/termgoal dev

cluster: tools postgres build ## the production shape on one machine: the Temporal server on a private PostgreSQL, two workers and two servers behind one address (logs in .data/cluster/); Ctrl-C stops it
	$(BIN)/termgoal cluster

test-cluster: tools postgres ## the end-to-end suite in the production shape: each test's Temporal server on PostgreSQL, two workers and two API servers behind round robin
	TERMGOAL_E2E=cluster $(GO) test -count=1 -timeout 30m ./e2e

# How hard `make chaos` pushes: a short run is part of `make test` (TestClusterSurvivesKills).
CHAOS_ARGS ?= --processes 300 --actions 1000 --clients 20 --kills 10

chaos: tools postgres build ## kill -9 workers, servers and the Temporal server of a fresh cluster under load; prints sent/acknowledged/applied/doubled/lost/stuck/differences
	$(BIN)/termgoal chaos $(CHAOS_ARGS)

build: ## build bin/termgoal
	$(GO) build -o $(BIN)/termgoal ./cmd/termgoal

test: tools browser postgres lint ## lint, then run all tests against real PostgreSQL and Temporal
	$(GO) test -count=1 -p 2 -timeout 30m ./...

# gosec leaves out devenv/ (it starts the developer's own PostgreSQL and Temporal from paths it
# picks, for `termgoal dev` and the tests) and notify/notifytest/ (a test SMTP server); every
# other exception is a #nosec comment with its reason where it is.
lint: $(BIN)/staticcheck $(BIN)/workflowcheck $(BIN)/gosec ## go vet, staticcheck, workflowcheck and gosec
	$(GO) vet ./...
	$(BIN)/staticcheck ./...
	$(BIN)/workflowcheck ./...
	$(BIN)/gosec -quiet -exclude-dir=devenv -exclude-dir=notify/notifytest ./...

sbom: $(BIN)/cyclonedx-gomod ## write the SBOM of bin/termgoal's modules (CycloneDX JSON) to bin/sbom.cdx.json and print it
	$(BIN)/cyclonedx-gomod app -json -licenses -main cmd/termgoal -output $(BIN)/sbom.cdx.json . 2>/dev/null
	cat $(BIN)/sbom.cdx.json

fuzz: postgres ## run every fuzz target (each func Fuzz… in a _test.go) for FUZZTIME (15s): no input may answer 5xx or panic
	@set -e; for pkg in $$(grep -rl --include='*_test.go' --exclude-dir=.data '^func Fuzz' . | xargs -n1 dirname | sed 's|^\./||' | sort -u); do \
	  for name in $$(grep -h -o '^func Fuzz[A-Za-z0-9_]*' $$pkg/*_test.go | cut -c6-); do \
	    echo "$(GO) test ./$$pkg -run '^$$' -fuzz '^$$name\$$' -fuzztime $(FUZZTIME)"; \
	    $(GO) test ./$$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s; \
	  done; \
	done

# BENCHJSON merges a benchmark run's figures into bench/results.json (cmd/benchjson).
BENCHJSON = | tee /dev/stderr | $(GO) run ./cmd/benchjson -o bench/results.json -label $(BENCH_LABEL)
BENCH_LABEL ?= dev-server

bench: tools postgres ## the quick benchmarks (under 5 minutes): an action's round trip and 20 clients' sustained actions, each against bare Temporal updates on the same server; figures merged into bench/results.json
	set -o pipefail; $(GO) test -run '^$$' -bench 'ActionRoundTrip|SustainedActions' -benchtime 200x -timeout 10m ./e2e/ $(BENCHJSON)

bench-all: bench ## every benchmark: also the inbox at 1M tasks and the dashboard at 100,000 processes against raw SQL, goal-setting and appraisal campaign starts against bare starts, and a 100,000-line audit export's peak memory against the lines' size; all in bench/results.json
	set -o pipefail; $(GO) test -run '^$$' -bench . -benchtime 2000x -timeout 30m ./postgres/ $(BENCHJSON)
	set -o pipefail; $(GO) test -run '^$$' -bench ExportAudit -benchtime 1x -timeout 10m ./app/ $(BENCHJSON)
	set -o pipefail; $(GO) test -run '^$$' -bench CampaignStarts -benchtime 1x -timeout 30m ./e2e/ $(BENCHJSON)

bench-cluster: export TERMGOAL_E2E = cluster
bench-cluster: BENCH_LABEL = cluster
bench-cluster: tools postgres ## the action and campaign benchmarks in the production shape (Temporal on PostgreSQL, two workers, two APIs), under "cluster" in bench/results.json
	set -o pipefail; $(GO) test -run '^$$' -bench 'ActionRoundTrip|SustainedActions' -benchtime 200x -timeout 10m ./e2e/ $(BENCHJSON)
	set -o pipefail; $(GO) test -run '^$$' -bench CampaignStarts -benchtime 1x -timeout 30m ./e2e/ $(BENCHJSON)

tools: $(BIN)/temporal $(BIN)/temporal-server $(BIN)/temporal-sql-tool $(BIN)/staticcheck $(BIN)/workflowcheck $(BIN)/gosec ## install the pinned tools into bin/ (only those missing)

$(BIN)/temporal:
	@echo "building Temporal CLI $(TEMPORAL_CLI_VERSION) (takes a few minutes the first time)"
	GOBIN=$(BIN) $(GO) install github.com/temporalio/cli/cmd/temporal@$(TEMPORAL_CLI_VERSION)

$(BIN)/temporal-server:
	@echo "building Temporal server $(TEMPORAL_SERVER_VERSION) with Go $(SERVER_TOOLCHAIN) (takes several minutes the first time)"
	rm -rf $(BIN)/.server && GOTOOLCHAIN=$(SERVER_TOOLCHAIN) GOBIN=$(BIN)/.server $(GO) install go.temporal.io/server/cmd/server@$(TEMPORAL_SERVER_VERSION)
	mv $(BIN)/.server/server $@ && rm -rf $(BIN)/.server

$(BIN)/temporal-sql-tool: # the server's schema tool, for make cluster
	rm -rf $(BIN)/.sqltool && GOTOOLCHAIN=$(SERVER_TOOLCHAIN) GOBIN=$(BIN)/.sqltool $(GO) install go.temporal.io/server/cmd/tools/sql@$(TEMPORAL_SERVER_VERSION)
	mv $(BIN)/.sqltool/sql $@ && rm -rf $(BIN)/.sqltool

$(BIN)/staticcheck:
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

$(BIN)/workflowcheck:
	GOBIN=$(BIN) $(GO) install go.temporal.io/sdk/contrib/tools/workflowcheck@$(WORKFLOWCHECK_VERSION)

$(BIN)/gosec:
	GOBIN=$(BIN) $(GO) install github.com/securego/gosec/v2/cmd/gosec@$(GOSEC_VERSION)

$(BIN)/cyclonedx-gomod:
	GOBIN=$(BIN) $(GO) install github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@$(CYCLONEDX_VERSION)

browser: ## install Chromium and CJK fonts for browser tests and PDF forms, and pdftotext for the PDF tests (when missing)
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/pdftotext ] || ! dpkg-query -W -f='$${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed'; then \
		echo "installing chromium fonts-noto-cjk poppler-utils"; \
		$(APT) update && $(APT) install -y chromium fonts-noto-cjk poppler-utils; \
	fi

postgres: ## install Debian's PostgreSQL binaries (when missing)
	@if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then \
		echo "installing postgresql"; \
		$(APT) update && $(APT) install -y postgresql; \
	fi

clean-data: ## delete .data/ (local PostgreSQL and Temporal state; stop `make run` first)
	rm -rf $(CURDIR)/.data
