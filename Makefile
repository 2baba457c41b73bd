# roombot — see README.md. Every target works on a fresh Debian machine with Go.
GO        ?= go
BIN       := bin/roombot
PKGS      := ./...
TESTFLAGS ?= -count=1 -timeout 30m

.PHONY: all build demo test test-deps test-go test-live bench bench-livekit fixtures lint clean

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
