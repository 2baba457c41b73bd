# roombot — see README.md. Every target works on a fresh Debian machine with Go.
GO        ?= go
BIN       := bin/roombot
PKGS      := ./...
TESTFLAGS ?= -count=1 -timeout 30m

.PHONY: all build demo test test-deps test-go test-live bench bench-livekit profile fixtures lint clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/roombot

# The main job: a demo scenario on the embedded reference service, writing a report.
demo: build
	$(BIN) run fixtures/scenarios/ci-smoke.yaml --out runs/demo

# Installs what the tests need when it is missing, then runs every test.
test: test-deps test-go test-live

test-deps:
	bash scripts/test-deps.sh

test-go:
	$(GO) vet $(PKGS)
	$(GO) test $(TESTFLAGS) $(PKGS)

# The cgo build with a real encoder (pion/mediadevices + libvpx).
test-live:
	CGO_ENABLED=1 $(GO) test $(TESTFLAGS) -tags live ./media/... ./bot/...

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 1x -timeout 60m $(PKGS)

# roombot on a real livekit-server at lk load-test's topologies (20+20, 50+50; docs/targets.md).
bench-livekit:
	$(GO) test -run '^$$' -bench '^BenchmarkLiveKit$$' -benchtime 1x -timeout 20m -v ./scenario/live/

fixtures:
	bash scripts/make-fixtures.sh

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKGS)
	$(GO) vet -tags live ./media/... ./bot/...

clean:
	rm -rf bin runs

# Where the time goes (issue 12): CPU and heap profiles of 100 bots in rooms of
# two (BenchmarkBots) and of `roombot report` on a synthetic 100-bot run, with
# the top costs of each. Profiles stay in runs/profile/ (go tool pprof -http).
PROFILE_DIR ?= runs/profile
profile:
	mkdir -p $(PROFILE_DIR)
	HEAPPROFILE=$(PROFILE_DIR)/bot-heap.out $(GO) test -run '^$$' -bench 'BenchmarkBots/bots=100$$' -benchtime 1x -o $(PROFILE_DIR)/bot.test \
		-cpuprofile $(PROFILE_DIR)/bot-cpu.out -memprofile $(PROFILE_DIR)/bot-mem.out ./bot/
	$(GO) test -run '^$$' -bench 'BenchmarkRender/bots=100,' -benchtime 3x -o $(PROFILE_DIR)/render.test \
		-cpuprofile $(PROFILE_DIR)/report-cpu.out -memprofile $(PROFILE_DIR)/report-mem.out ./reports/render/
	@for p in bot report; do \
		bin=$(PROFILE_DIR)/$$p.test; [ $$p = report ] && bin=$(PROFILE_DIR)/render.test; \
		echo "== $$p: CPU, top 20 by cumulative time"; $(GO) tool pprof -top -cum -nodecount=20 $$bin $(PROFILE_DIR)/$$p-cpu.out | tail -n +6; \
		echo "== $$p: CPU, top 15 by own time"; $(GO) tool pprof -top -nodecount=15 $$bin $(PROFILE_DIR)/$$p-cpu.out | tail -n +6; \
		echo "== $$p: memory allocated, top 10"; $(GO) tool pprof -top -sample_index=alloc_space -nodecount=10 $$bin $(PROFILE_DIR)/$$p-mem.out | tail -n +6; \
	done
	@echo "== bot: heap in use while the bots run (end of the window), top 10"
	@$(GO) tool pprof -top -sample_index=inuse_space -nodecount=10 $(PROFILE_DIR)/bot.test $(PROFILE_DIR)/bot-heap.out | tail -n +6
