// Package generate is the decoder's part of the engine: decoder.generate
// continues a prompt with a llama2.c checkpoint and run.c's sampler, and
// keeps the loaded models in the engine's store.
package generate

import (
	"context"
	"fmt"

	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/core/sample"
	"textlab/wasm/protocol"
)

// Request asks decoder.generate to continue a prompt with a
// llama2.c checkpoint and run.c's sampler, with run.c's settings.
type Request struct {
	// Name keys the model in this worker: send the checkpoint (a llama2.c
	// .bin) as the call's data once, then call with the name alone.
	// "" means "default".
	Name string `json:"name"`
	// Int8 quantizes the model's projections when it is loaded.
	Int8   bool  `json:"int8"`
	Prompt []int `json:"prompt"` // token ids; empty means [BOS]
	// Steps counts positions, prompt included, as run.c's -n; 0 means 256
	// (run.c's default), at most the model's seq_len.
	Steps int `json:"steps"`
	// Temperature (0 is greedy) and TopP (0 or 1 turn nucleus sampling
	// off) are required: run.c's defaults are 1.0 and 0.9.
	Temperature *float32 `json:"temperature"`
	TopP        *float32 `json:"top_p"`
	Seed        uint64   `json:"seed"` // at least 1; the same seed gives the same tokens everywhere
}

// Result is what decoder.generate returns.
type Result struct {
	IDs      []int          `json:"ids"`      // the tokens after the first prompt token, as run.c prints them
	Settings map[string]any `json:"settings"` // every setting used, for the report
	Model    map[string]int `json:"model"`    // the checkpoint's configuration
	Stopped  string         `json:"stopped"`  // "steps" or "bos"
}

// Register adds decoder.generate to e. Its models are cached in the
// engine's store under "generate.model/" and their name (the int8 ones
// with "\x00int8" appended).
func Register(e *protocol.Engine) {
	store := e.Store()
	// decoder.generate continues a prompt with a llama2.c checkpoint and
	// run.c's sampler (temperature, then top-p; xorshift64*), token for
	// token what run.c prints for the same settings.
	e.Register("decoder.generate", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		var in Request
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		switch {
		case in.Temperature == nil || in.TopP == nil:
			return nil, protocol.BadRequest("decoder.generate: temperature and top_p are required (run.c's defaults are 1.0 and 0.9)")
		case *in.Temperature < 0:
			return nil, protocol.BadRequest("decoder.generate: temperature %v is negative", *in.Temperature)
		case *in.TopP < 0 || *in.TopP > 1:
			return nil, protocol.BadRequest("decoder.generate: top_p %v is outside [0, 1]", *in.TopP)
		case in.Seed == 0:
			return nil, protocol.BadRequest("decoder.generate: seed must be at least 1")
		case in.Steps < 0:
			return nil, protocol.BadRequest("decoder.generate: steps %d is negative", in.Steps)
		}
		if in.Name == "" {
			in.Name = "default"
		}
		m, err := model(store, in.Name, in.Int8, req.Data)
		if err != nil {
			return nil, err
		}
		steps := in.Steps
		if steps == 0 {
			steps = 256
		}
		if steps > m.SeqLen() {
			return nil, protocol.BadRequest("decoder.generate: steps %d is more than the model's seq_len %d", steps, m.SeqLen())
		}
		for i, id := range in.Prompt {
			if id < 0 || id >= m.VocabSize() {
				return nil, protocol.BadRequest("decoder.generate: prompt token %d is %d, outside the vocabulary [0, %d)", i, id, m.VocabSize())
			}
		}
		s := sample.NewRunC(*in.Temperature, *in.TopP, in.Seed)
		m.Reset()
		ids, err := decoder.Generate(ctx, m, in.Prompt, steps, s.Sample, func(pos, _ int) {
			progress(float64(pos)/float64(steps), fmt.Sprintf("position %d of %d", pos, steps))
		})
		if err != nil {
			return nil, err
		}
		res := Result{
			IDs: ids,
			Settings: map[string]any{
				"sampler": "run.c", "temperature": *in.Temperature, "top_p": *in.TopP,
				"seed": in.Seed, "steps": steps, "int8": m.Quantized(), "prompt_tokens": len(in.Prompt),
			},
			Model:   map[string]int{"dim": m.Config.Dim, "layers": m.Config.NLayers, "vocab_size": m.Config.VocabSize, "seq_len": m.Config.SeqLen},
			Stopped: "steps",
		}
		if len(ids) < steps {
			res.Stopped = "bos"
		}
		return res, nil
	})
}

// generateModel returns the worker's model called name, loading it from
// data when data is given (and quantizing it when int8 is set).
func model(store *protocol.Store, name string, int8 bool, data []byte) (*decoder.Llama, error) {
	key := "generate.model/" + name
	if int8 {
		key += "\x00int8"
	}
	m, _, err := protocol.LoadModel(store, key, data, func(data []byte) (*decoder.Llama, error) {
		m, err := llama2c.LoadModel(data)
		if err != nil {
			return nil, protocol.BadRequest("decoder.generate: %q is not a usable llama2.c checkpoint: %v", name, err)
		}
		if int8 {
			m.Quantize()
		}
		return m, nil
	}, func() error {
		return protocol.BadRequest("decoder.generate: no model %q is loaded in this worker; send its llama2.c .bin with the call", name)
	})
	return m, err
}
