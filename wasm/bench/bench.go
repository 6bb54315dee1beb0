// Package bench holds the engine's benchmark methods (bench.encode,
// bench.decode, bench.classic): they time core/ inside the engine so the
// browser numbers of docs/BENCHMARKS.md come from the same code the pages
// run. They are not part of the production engine: only an engine built
// with the "bench" build tag registers them (`make bench`).
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"textlab/core/bert"
	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/wasm/protocol"
)

// Benchmark methods: they time core/bert and core/decoder inside the engine
// so the browser numbers of docs/BENCHMARKS.md come from the same code the
// pages run. A call with bytes in req.Data loads a model and keeps it in
// this worker under its name; a call without bytes reuses the model of
// that name, so engine.map can fan timed work out over a pool whose
// workers were loaded once each.

// Limits on what one bench call may ask for.
const (
	benchMaxIterations = 1000
	benchMaxSequences  = 256
	benchMaxTokens     = 4096
)

// BenchEncodeRequest is the payload of bench.encode. With bytes in
// req.Data (a model.safetensors file) the model is loaded from Config and
// those bytes and kept under Name; without bytes, the model kept under
// Name is used.
type BenchEncodeRequest struct {
	Name   string          `json:"name"`   // key of the model in this worker; "" means "default"
	Config json.RawMessage `json:"config"` // config.json of the model (needed with req.Data)
	// Quantize converts a float32 model to int8 (bert.Model.Quantize)
	// when it is loaded.
	Quantize bool `json:"quantize"`
	// Sequences is how many sequences one iteration encodes, in one
	// batch; 0 means 8.
	Sequences int `json:"sequences"`
	// SeqLen is the length of each sequence in tokens; 0 means 64.
	SeqLen int `json:"seq_len"`
	// Warmup iterations run before timing starts; 0 means none.
	Warmup int `json:"warmup"`
	// Iterations is the number of timed iterations; 0 only loads the model.
	Iterations int `json:"iterations"`
}

// BenchDecodeRequest is the payload of bench.decode. With bytes in req.Data
// (a llama2.c model .bin) the model is loaded and kept under Name; without
// bytes, the model kept under Name is used.
type BenchDecodeRequest struct {
	Name string `json:"name"` // key of the model in this worker; "" means "default"
	// Quantize converts the model's projections to int8
	// (decoder.Llama.Quantize) when it is loaded.
	Quantize bool `json:"quantize"`
	// Tokens is how many positions one iteration runs, from position 0
	// with the key/value cache; 0 means 64 (at most the model's SeqLen).
	Tokens     int `json:"tokens"`
	Warmup     int `json:"warmup"`     // untimed iterations first; 0 means none
	Iterations int `json:"iterations"` // timed iterations; 0 only loads the model
}

// BenchResult is the timing of one bench call.
type BenchResult struct {
	Name        string    `json:"name"`
	LoadSeconds float64   `json:"load_seconds"` // time to parse the model (0 when it was already loaded)
	Items       int       `json:"items"`        // sequences (encode) or tokens (decode) per iteration
	Seconds     []float64 `json:"seconds"`      // wall time of each timed iteration
	Median      float64   `json:"median"`       // median of Seconds (0 when there are none)
	PerSecond   float64   `json:"per_second"`   // Items / Median
	// Probe holds the first values of the output of the last iteration (the
	// first sequence's [CLS] hidden state, or the last position's logits),
	// so a benchmark can check that a peer ran the same weights.
	Probe []float32 `json:"probe,omitempty"`
}

func registerModels(e *protocol.Engine) {
	store := e.Store()
	// bench.encode times bert.Model.Encode over synthetic token ids.
	e.Register("bench.encode", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		var in BenchEncodeRequest
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		if in.Name == "" {
			in.Name = "default"
		}
		if in.Sequences == 0 {
			in.Sequences = 8
		}
		if in.SeqLen == 0 {
			in.SeqLen = 64
		}
		if err := benchCounts(req.Method, in.Sequences, benchMaxSequences, in.Warmup, in.Iterations); err != nil {
			return nil, err
		}
		res := BenchResult{Name: in.Name, Items: in.Sequences}
		m, load, err := benchEncoder(store, in, req.Data)
		if err != nil {
			return nil, err
		}
		res.LoadSeconds = load
		if in.SeqLen < 2 || in.SeqLen > m.Config.MaxPositionEmbeddings {
			return nil, protocol.BadRequest("%s: seq_len must be 2..%d (the model's max_position_embeddings), not %d", req.Method, m.Config.MaxPositionEmbeddings, in.SeqLen)
		}
		inputs := benchInputs(in.Sequences, in.SeqLen, m.Config.VocabSize)
		opt := bert.Options{BatchSize: in.Sequences}
		total := in.Warmup + in.Iterations
		for i := 0; i < total; i++ {
			start := time.Now()
			out, err := m.Encode(ctx, inputs, opt, nil)
			if err != nil {
				return nil, err
			}
			if i >= in.Warmup {
				res.Seconds = append(res.Seconds, time.Since(start).Seconds())
			}
			if i == total-1 {
				res.Probe = benchProbe(out[0].CLS)
			}
			progress(float64(i+1)/float64(total), fmt.Sprintf("iteration %d of %d", i+1, total))
		}
		res.finish()
		return res, nil
	})

	// bench.decode times decoder.Llama.Forward position by position.
	e.Register("bench.decode", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		var in BenchDecodeRequest
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		if in.Name == "" {
			in.Name = "default"
		}
		if in.Tokens == 0 {
			in.Tokens = 64
		}
		if err := benchCounts(req.Method, in.Tokens, benchMaxTokens, in.Warmup, in.Iterations); err != nil {
			return nil, err
		}
		m, load, err := benchDecoder(store, in.Name, in.Quantize, req.Data)
		if err != nil {
			return nil, err
		}
		if in.Tokens > m.SeqLen() {
			return nil, protocol.BadRequest("%s: tokens must be at most the model's seq_len %d, not %d", req.Method, m.SeqLen(), in.Tokens)
		}
		res := BenchResult{Name: in.Name, LoadSeconds: load, Items: in.Tokens}
		ids := benchTokens(in.Tokens, m.VocabSize())
		total := in.Warmup + in.Iterations
		for i := 0; i < total; i++ {
			start := time.Now()
			m.Reset()
			var logits []float32
			for pos, id := range ids {
				logits = m.Forward(id, pos)
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
			}
			if i >= in.Warmup {
				res.Seconds = append(res.Seconds, time.Since(start).Seconds())
			}
			if i == total-1 {
				res.Probe = benchProbe(logits)
			}
			progress(float64(i+1)/float64(total), fmt.Sprintf("iteration %d of %d", i+1, total))
		}
		res.finish()
		return res, nil
	})
}

// benchCounts checks the sizes of a bench request.
func benchCounts(method string, items, maxItems, warmup, iterations int) error {
	switch {
	case items < 1 || items > maxItems:
		return protocol.BadRequest("%s: the number of sequences or tokens must be 1..%d, not %d", method, maxItems, items)
	case warmup < 0 || warmup > benchMaxIterations:
		return protocol.BadRequest("%s: warmup must be 0..%d, not %d", method, benchMaxIterations, warmup)
	case iterations < 0 || iterations > benchMaxIterations:
		return protocol.BadRequest("%s: iterations must be 0..%d, not %d", method, benchMaxIterations, iterations)
	}
	return nil
}

// benchEncoder loads the encoder from data (keeping it under in.Name) or,
// when data is empty, returns the one kept under in.Name. It also returns
// the seconds loading took.
func benchEncoder(store *protocol.Store, in BenchEncodeRequest, data []byte) (*bert.Model, float64, error) {
	return protocol.LoadModel(store, "bench.encoder/"+in.Name, data, func(data []byte) (*bert.Model, error) {
		if len(in.Config) == 0 {
			return nil, protocol.BadRequest("bench.encode: loading %q needs its config.json in the payload's config", in.Name)
		}
		m, err := bert.Load(in.Config, data)
		if err != nil {
			return nil, fmt.Errorf("bench.encode: loading %q: %w", in.Name, err)
		}
		if in.Quantize && m.Config.Quantization == "" {
			m.Quantize()
		}
		return m, nil
	}, func() error {
		return protocol.BadRequest("bench.encode: no encoder %q is loaded in this worker; send its model.safetensors with the call", in.Name)
	})
}

// benchDecoder is benchEncoder for llama2.c checkpoints.
func benchDecoder(store *protocol.Store, name string, quantize bool, data []byte) (*decoder.Llama, float64, error) {
	return protocol.LoadModel(store, "bench.decoder/"+name, data, func(data []byte) (*decoder.Llama, error) {
		m, err := llama2c.LoadModel(data)
		if err != nil {
			return nil, fmt.Errorf("bench.decode: loading %q: %w", name, err)
		}
		if quantize {
			m.Quantize()
		}
		return m, nil
	}, func() error {
		return protocol.BadRequest("bench.decode: no decoder %q is loaded in this worker; send its llama2.c .bin with the call", name)
	})
}

// benchTokens returns the token ids the benchmarks feed a model: n ids
// below vocab from a fixed sequence (the same in Go, in the browser and in
// the onnxruntime-web page, tools/bench/ort-bench.js), starting with id 1.
func benchTokens(n, vocab int) []int {
	ids := make([]int, n)
	for i := range ids {
		ids[i] = (1 + i*7919) % vocab
	}
	return ids
}

// benchInputs returns n copies of a sequence of seqLen ids with all-ones
// masks and token type 0.
func benchInputs(n, seqLen, vocab int) []bert.Input {
	ids := benchTokens(seqLen, vocab)
	inputs := make([]bert.Input, n)
	for i := range inputs {
		inputs[i] = bert.Input{IDs: ids}
	}
	return inputs
}

// benchProbe copies the first 8 values of v.
func benchProbe(v []float32) []float32 {
	return append([]float32(nil), v[:min(8, len(v))]...)
}

// finish computes the median and the rate of r.
func (r *BenchResult) finish() {
	if len(r.Seconds) == 0 {
		return
	}
	s := append([]float64(nil), r.Seconds...)
	sort.Float64s(s)
	n := len(s)
	r.Median = s[n/2]
	if n%2 == 0 {
		r.Median = (s[n/2-1] + s[n/2]) / 2
	}
	if r.Median > 0 {
		r.PerSecond = float64(r.Items) / r.Median
	}
}

// Register adds the benchmark methods to e.
func Register(e *protocol.Engine) {
	registerModels(e)
	registerClassic(e)
}
