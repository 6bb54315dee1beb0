# Textlab: `make run` builds and serves the app, `make test` runs every test.
SHELL := /bin/bash
GO ?= go
GOROOT := $(shell $(GO) env GOROOT)
PORT ?= 8080
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec

.PHONY: all run build generate engine assets static cloudflare deps deps-apt deps-node \
	bench-deps bench-engine test test-lint test-unit test-wasm test-browser test-libmf-exhaustive simd fuzz bench clean

all: build

## generate: templ components to Go
generate:
	$(GO) tool templ generate -path web

## engine: the WebAssembly engine and Go's JS glue, into static/
engine: generate
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags=-s -o static/engine.wasm ./wasm
	cp $(GOROOT)/lib/wasm/wasm_exec.js static/wasm_exec.js

## build: everything the app needs, and the textlab binary in bin/
build: engine
	$(GO) build -o bin/textlab ./cmd/textlab

## run: build and serve on http://localhost:$(PORT) (loopback only)
run: build
	PORT=$(PORT) ./bin/textlab serve

## static: index.html at the top level, for any static file server
static: build
	./bin/textlab static --out index.html

## cloudflare: build the Cloudflare Worker into build/cloudflare (deploy: see README)
CF := build/cloudflare
cloudflare: engine
	rm -rf $(CF) && mkdir -p $(CF)/assets
	cd $(CF) && $(GO) run github.com/syumai/workers/cmd/workers-assets-gen -mode=go -o build
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags=-s -o $(CF)/build/app.wasm ./cmd/worker
	cp -r static $(CF)/assets/static && rm -f $(CF)/assets/static/*.go
	$(GO) run ./cmd/textlab static --out $(CF)/assets/index.html
	printf '/*\n  Content-Security-Policy: %s\n  Cross-Origin-Opener-Policy: same-origin\n  Cross-Origin-Embedder-Policy: require-corp\n  Cross-Origin-Resource-Policy: same-origin\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n' \
		"$$($(GO) run ./cmd/textlab csp)" > $(CF)/assets/_headers
	printf '{\n  "name": "textlab",\n  "main": "./build/worker.mjs",\n  "compatibility_date": "2025-01-01",\n  "assets": { "directory": "./assets", "binding": "ASSETS" }\n}\n' > $(CF)/wrangler.jsonc
	@echo "built $(CF): deploy with 'cd $(CF) && npx wrangler deploy'"

## deps: what the tests need: Chromium, scikit-learn, PyTorch, ONNX, npm references
deps: deps-apt deps-node

APT_PKGS := chromium python3-sklearn python3-torch python3-onnx wabt
deps-apt:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

deps-node:
	@if [ ! -d tools/node_modules ] || [ tools/package-lock.json -nt tools/node_modules ]; then \
		cd tools && npm ci --no-audit --no-fund; \
	fi

## test: formatting, vet, unit tests natively and under js/wasm, parity and browser tests
test: deps build cloudflare test-lint test-unit test-wasm test-browser

test-lint:
	@out=$$(gofmt -l $$(git ls-files '*.go') ); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags ref ./...
	GOOS=js GOARCH=wasm $(GO) vet ./core/... ./wasm/... ./web/...
	GOOS=js GOARCH=wasm $(GO) vet -tags bench ./wasm

test-unit:
	$(GO) test -tags ref -count=1 ./...

test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec=$(WASM_EXEC) ./core/...
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec=$(CURDIR)/wasm/simd/exec ./wasm/simd/

# simd reassembles the SIMD kernels (static/simd.wasm, committed so builds
# need no wabt) from wasm/simd/kernels.wat; a test fails when they differ.
simd:
	wat2wasm wasm/simd/kernels.wat -o static/simd.wasm

test-browser:
	$(GO) test -tags browser -count=1 -v ./e2e/

## fuzz: run each fuzz target for a while (the corpora are kept in testdata/)
FUZZTIME ?= 30s
# test-libmf-exhaustive compares core/libmf with the C library's expf, sinf
# and cosf on all 2^32 float32 arguments, in glibc's FMA and baseline x86-64
# builds (needs cc and an x86-64 processor with FMA; a few minutes).
test-libmf-exhaustive:
	$(GO) test -tags exhaustive -count=1 -timeout 60m -run Exhaustive -v ./core/libmf/

fuzz:
	@for pkg in $$($(GO) list ./core/...); do \
		for f in $$($(GO) test -list 'Fuzz.*' $$pkg | grep ^Fuzz); do \
			$(GO) test -run XXX -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## bench: benchmarks with peers (scikit-learn, onnxruntime-web); see docs/BENCHMARKS.md
bench-deps: deps
	@if [ ! -d tools/bench/node_modules ]; then cd tools/bench && npm ci --no-audit --no-fund; fi

# bench-engine builds the engine with the benchmark methods (bench.encode,
# bench.decode, bench.classic), which the production engine leaves out.
bench-engine: generate
	mkdir -p build
	GOOS=js GOARCH=wasm $(GO) build -tags bench -trimpath -ldflags=-s -o build/engine-bench.wasm ./wasm

bench: build bench-engine bench-deps
	$(GO) test -run XXX -bench . -benchtime 3x ./core/...
	$(GO) test -tags 'browser bench' -count=1 -run 'Bench' -v ./e2e/

clean:
	rm -rf bin build static/engine.wasm static/wasm_exec.js
