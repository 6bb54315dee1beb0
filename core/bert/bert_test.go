package bert

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"textlab/core/safetensors"
)

// tiny is a small configuration for fast tests.
var tiny = Config{VocabSize: 50, HiddenSize: 16, NumAttentionHeads: 4, NumHiddenLayers: 2,
	IntermediateSize: 32, MaxPositionEmbeddings: 24}

// realistic is the width the int8 accuracy test and the benchmarks use.
var realistic = Config{VocabSize: 1000, HiddenSize: 128, NumAttentionHeads: 4, NumHiddenLayers: 2,
	IntermediateSize: 512, MaxPositionEmbeddings: 128}

func mustRandom(t testing.TB, c Config, seed uint64, std float64) *Model {
	t.Helper()
	m, err := NewRandom(c, seed, std)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func randomInputs(r *rand.Rand, n, minLen, maxLen, vocab int) []Input {
	in := make([]Input, n)
	for i := range in {
		ids := make([]int, minLen+r.IntN(maxLen-minLen+1))
		for j := range ids {
			ids[j] = r.IntN(vocab)
		}
		in[i] = Input{IDs: ids}
	}
	return in
}

func maxDiff(a, b []float32) float64 {
	var d float64
	for i := range a {
		d = max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		json string
		want string // error substring; "" for success
	}{
		{`{}`, ""},
		{`{"hidden_size": 32, "num_attention_heads": 4, "hidden_act": "gelu", "extra": [1]}`, ""},
		{`{"hidden_size": 30, "num_attention_heads": 4}`, "not divisible"},
		{`{"hidden_act": "relu"}`, `hidden_act "relu"`},
		{`{"num_hidden_layers": -1}`, "num_hidden_layers = -1"},
		{`{"vocab_size": 100000000000}`, "vocab_size"},
		{`{"layer_norm_eps": -1}`, "layer_norm_eps"},
		{`{"textlab_quantization": "int4"}`, "int4"},
		{`[`, "config:"},
	}
	for _, tt := range tests {
		c, err := ParseConfig([]byte(tt.json))
		if tt.want == "" {
			if err != nil || c.HiddenSize == 0 || c.LayerNormEps != 1e-12 {
				t.Errorf("ParseConfig(%s) = %+v, %v", tt.json, c, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseConfig(%s) error = %v, want %q", tt.json, err, tt.want)
		}
	}
	// JSON writes what ParseConfig reads back.
	j, _ := tiny.JSON()
	back, err := ParseConfig(j)
	if err != nil || back != tiny.WithDefaults() {
		t.Errorf("config round trip: %+v, %v", back, err)
	}
}

// checkpoint writes m and returns its tensors under BertModel's names
// (without "bert."), for tests that edit them.
func checkpoint(t *testing.T, m *Model) map[string]safetensors.Tensor {
	t.Helper()
	var buf bytes.Buffer
	if err := m.WriteSafetensors(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Read(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	ts := map[string]safetensors.Tensor{}
	for n, tensor := range f.Tensors {
		ts[strings.TrimPrefix(n, "bert.")] = tensor
	}
	return ts
}

func TestLoadVariants(t *testing.T) {
	m := mustRandom(t, tiny, 1, 0.2)
	in := []Input{{IDs: []int{1, 5, 9, 2}}}
	want, err := m.Encode(context.Background(), in, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rename := func(f func(string) string) func(map[string]safetensors.Tensor) map[string]safetensors.Tensor {
		return func(ts map[string]safetensors.Tensor) map[string]safetensors.Tensor {
			out := map[string]safetensors.Tensor{}
			for n, t := range ts {
				out[f(n)] = t
			}
			return out
		}
	}
	tests := []struct {
		name string
		edit func(map[string]safetensors.Tensor) map[string]safetensors.Tensor
	}{
		{"BertModel names", func(ts map[string]safetensors.Tensor) map[string]safetensors.Tensor { return ts }},
		{"bert. prefix", rename(func(n string) string {
			if strings.HasPrefix(n, "cls.") {
				return n
			}
			return "bert." + n
		})},
		{"gamma/beta", rename(func(n string) string {
			if strings.Contains(n, "LayerNorm") {
				n = strings.Replace(strings.Replace(n, ".weight", ".gamma", 1), ".bias", ".beta", 1)
			}
			return n
		})},
		{"decoder bias name and tied decoder weight present", func(ts map[string]safetensors.Tensor) map[string]safetensors.Tensor {
			ts["cls.predictions.decoder.bias"] = ts["cls.predictions.bias"]
			ts["cls.predictions.decoder.weight"] = ts["embeddings.word_embeddings.weight"]
			delete(ts, "cls.predictions.bias")
			return ts
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := tt.edit(checkpoint(t, m))
			got, err := FromSafetensors(m.Config, &safetensors.File{Tensors: ts})
			if err != nil {
				t.Fatal(err)
			}
			rs, err := got.Encode(context.Background(), in, Options{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if d := maxDiff(rs[0].Pooler, want[0].Pooler); d != 0 {
				t.Errorf("pooler differs by %g after reloading", d)
			}
			l1, _ := m.MLMLogits(want[0].CLS)
			l2, err := got.MLMLogits(rs[0].CLS)
			if err != nil || maxDiff(l1, l2) != 0 {
				t.Errorf("MLM logits differ after reloading (%v)", err)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	m := mustRandom(t, tiny, 1, 0)
	tests := []struct {
		name string
		cfg  Config
		edit func(map[string]safetensors.Tensor)
		want string
	}{
		{"hidden mismatch", Config{VocabSize: 50, HiddenSize: 32, NumAttentionHeads: 4, NumHiddenLayers: 2, IntermediateSize: 32, MaxPositionEmbeddings: 24}, nil,
			`tensor "embeddings.word_embeddings.weight": shape [50 16] does not match config (want [50 32])`},
		{"intermediate mismatch", Config{VocabSize: 50, HiddenSize: 16, NumAttentionHeads: 4, NumHiddenLayers: 2, IntermediateSize: 64, MaxPositionEmbeddings: 24}, nil,
			`tensor "encoder.layer.0.intermediate.dense.weight": shape [32 16] does not match config (want [64 16])`},
		{"too few layers in config", Config{VocabSize: 50, HiddenSize: 16, NumAttentionHeads: 4, NumHiddenLayers: 1, IntermediateSize: 32, MaxPositionEmbeddings: 24}, nil,
			"more layers than num_hidden_layers = 1"},
		{"too many layers in config", Config{VocabSize: 50, HiddenSize: 16, NumAttentionHeads: 4, NumHiddenLayers: 3, IntermediateSize: 32, MaxPositionEmbeddings: 24}, nil,
			`tensor "encoder.layer.2.attention.self.query.weight": missing`},
		{"missing bias", tiny, func(ts map[string]safetensors.Tensor) { delete(ts, "encoder.layer.1.output.dense.bias") },
			`tensor "encoder.layer.1.output.dense.bias": missing`},
		{"int8 without scale", tiny, func(ts map[string]safetensors.Tensor) {
			ts["encoder.layer.0.attention.self.key.weight"] = safetensors.Tensor{Shape: []int{16, 16}, DType: safetensors.I8, I8: make([]int8, 256)}
		}, "without"},
		{"decoder shape", tiny, func(ts map[string]safetensors.Tensor) {
			ts["cls.predictions.decoder.weight"] = ts["encoder.layer.0.attention.self.key.weight"]
		}, `tensor "cls.predictions.decoder.weight": shape [16 16] does not match config (want [50 16])`},
		// An int8 float tensor needs its per-row scales (safetensors.Loader.Float).
		{"int8 norm without scales", tiny, func(ts map[string]safetensors.Tensor) {
			ts["embeddings.LayerNorm.weight"] = safetensors.Tensor{Shape: []int{16}, DType: safetensors.I8, FileDType: safetensors.I8, I8: make([]int8, 16)}
		}, `tensor "embeddings.LayerNorm.weight": int8 without its scales "embeddings.LayerNorm.weight_scale"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := checkpoint(t, m)
			if tt.edit != nil {
				tt.edit(ts)
			}
			_, err := FromSafetensors(tt.cfg, &safetensors.File{Tensors: ts})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

// An untied decoder weight is used, and written back.
func TestUntiedDecoder(t *testing.T) {
	m := mustRandom(t, tiny, 8, 0.2)
	ts := checkpoint(t, m)
	dec := ts["encoder.layer.0.attention.self.key.weight"] // any other values
	dec.Shape = []int{tiny.VocabSize, tiny.HiddenSize}
	dec.F32 = make([]float32, tiny.VocabSize*tiny.HiddenSize)
	for i := range dec.F32 {
		dec.F32[i] = float32(i%7) - 3
	}
	ts["cls.predictions.decoder.weight"] = dec
	untied, err := FromSafetensors(tiny, &safetensors.File{Tensors: ts})
	if err != nil {
		t.Fatal(err)
	}
	if untied.Head.Decoder == nil {
		t.Fatal("decoder weight ignored")
	}
	h := make([]float32, tiny.HiddenSize)
	h[0] = 1
	a, _ := m.MLMLogits(h)
	b, _ := untied.MLMLogits(h)
	if maxDiff(a, b) == 0 {
		t.Error("untied decoder did not change the logits")
	}
	if back := checkpoint(t, untied); back["cls.predictions.decoder.weight"].F32 == nil {
		t.Error("untied decoder not written")
	}
}

// Padding must not change a sequence's results: encoding it alone and in a
// batch beside longer sequences gives the same numbers.
func TestPaddingInvariance(t *testing.T) {
	m := mustRandom(t, tiny, 2, 0.3)
	r := rand.New(rand.NewPCG(1, 1))
	inputs := randomInputs(r, 6, 1, 20, tiny.VocabSize)
	batch, err := m.Encode(context.Background(), inputs, Options{Attentions: true, AllLayers: true, BatchSize: 6}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, in := range inputs {
		alone, err := m.Encode(context.Background(), []Input{in}, Options{Attentions: true, AllLayers: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, b := alone[0], batch[i]
		if len(b.Hidden) != len(in.IDs) || len(b.Layers) != tiny.NumHiddenLayers+1 || len(b.Attentions) != tiny.NumHiddenLayers {
			t.Fatalf("input %d: %d hidden rows, %d layers, %d attention layers", i, len(b.Hidden), len(b.Layers), len(b.Attentions))
		}
		d := max(maxDiff(a.Mean, b.Mean), maxDiff(a.CLS, b.CLS), maxDiff(a.Pooler, b.Pooler), maxDiff(a.Layers[1][0], b.Layers[1][0]))
		for h := range a.Attentions[1] {
			for q := range a.Attentions[1][h] {
				d = max(d, maxDiff(a.Attentions[1][h][q], b.Attentions[1][h][q]))
			}
		}
		if d > 1e-5 {
			t.Errorf("input %d (%d tokens): alone vs batched differ by %g", i, len(in.IDs), d)
		}
		// The last entry of Layers is Hidden.
		if maxDiff(b.Layers[tiny.NumHiddenLayers][0], b.Hidden[0]) != 0 {
			t.Errorf("input %d: last layer differs from Hidden", i)
		}
	}
}

func TestMaskAndAttention(t *testing.T) {
	m := mustRandom(t, tiny, 3, 0.3)
	in := Input{IDs: []int{1, 7, 8, 9, 0, 0}, TypeIDs: []int{0, 0, 1, 1, 0, 0}, Mask: []int{1, 1, 1, 1, 0, 0}}
	rs, err := m.Encode(context.Background(), []Input{in, {IDs: in.IDs[:4], TypeIDs: in.TypeIDs[:4]}}, Options{Attentions: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	masked, short := rs[0], rs[1]
	// A masked tail is the same as no tail.
	if d := max(maxDiff(masked.Mean, short.Mean), maxDiff(masked.Hidden[3], short.Hidden[3])); d > 1e-5 {
		t.Errorf("masked padding changed the result by %g", d)
	}
	for l, layer := range masked.Attentions {
		for h, head := range layer {
			for q, row := range head {
				var sum float32
				for _, p := range row {
					sum += p
				}
				if math.Abs(float64(sum-1)) > 1e-5 || row[4] != 0 || row[5] != 0 {
					t.Errorf("layer %d head %d query %d: probabilities %v", l, h, q, row)
				}
			}
		}
	}
	// Segment ids matter.
	other, _ := m.Encode(context.Background(), []Input{{IDs: in.IDs[:4]}}, Options{}, nil)
	if maxDiff(other[0].Mean, short.Mean) == 0 {
		t.Error("type ids had no effect")
	}
}

func TestEncodeErrors(t *testing.T) {
	m := mustRandom(t, tiny, 1, 0)
	tests := []struct {
		in   Input
		want string
	}{
		{Input{}, "input 0: no tokens"},
		{Input{IDs: []int{1, 50}}, "token 1: id 50 outside the vocabulary of 50"},
		{Input{IDs: []int{1, -1}}, "id -1"},
		{Input{IDs: make([]int, 25)}, "more than max_position_embeddings 24"},
		{Input{IDs: []int{1}, TypeIDs: []int{2}}, "type id 2"},
		{Input{IDs: []int{1}, Mask: []int{1, 1}}, "2 mask values for 1 tokens"},
	}
	for _, tt := range tests {
		_, err := m.Encode(context.Background(), []Input{tt.in}, Options{}, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Encode(%v) error = %v, want %q", tt.in, err, tt.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Encode(ctx, []Input{{IDs: []int{1}}}, Options{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Encode error = %v", err)
	}
}

func TestProgress(t *testing.T) {
	m := mustRandom(t, tiny, 1, 0)
	var fr []float64
	_, err := m.Encode(context.Background(), randomInputs(rand.New(rand.NewPCG(1, 2)), 5, 1, 5, 50), Options{BatchSize: 2},
		func(f float64, msg string) { fr = append(fr, f) })
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 0.4, 0.8, 1}
	if len(fr) != len(want) {
		t.Fatalf("progress %v, want %v", fr, want)
	}
	for i := range want {
		if math.Abs(fr[i]-want[i]) > 1e-9 {
			t.Errorf("progress %v, want %v", fr, want)
		}
	}
}

func TestFillMask(t *testing.T) {
	m := mustRandom(t, tiny, 4, 0.3)
	const maskID = 3
	in := Input{IDs: []int{1, 10, maskID, 11, maskID, 2}}
	preds, err := m.FillMask(context.Background(), in, maskID, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(preds) != 2 || preds[0].Position != 2 || preds[1].Position != 4 {
		t.Fatalf("predictions at %+v", preds)
	}
	rs, _ := m.Encode(context.Background(), []Input{in}, Options{}, nil)
	for _, p := range preds {
		logits, _ := m.MLMLogits(rs[0].Hidden[p.Position])
		best := 0
		for i, v := range logits {
			if v > logits[best] {
				best = i
			}
		}
		if len(p.Top) != 4 || p.Top[0].ID != best {
			t.Errorf("position %d: top %+v, argmax of logits %d", p.Position, p.Top, best)
		}
		for i := 1; i < len(p.Top); i++ {
			if p.Top[i].Prob > p.Top[i-1].Prob {
				t.Errorf("position %d: not sorted: %+v", p.Position, p.Top)
			}
		}
	}
	if _, err := m.FillMask(context.Background(), Input{IDs: []int{1, 2}}, maskID, 5); err == nil {
		t.Error("no error without a [MASK]")
	}
	m.Head = nil
	if _, err := m.FillMask(context.Background(), in, maskID, 5); !errors.Is(err, ErrNoHead) {
		t.Errorf("error without head = %v", err)
	}
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

// TestInt8Accuracy compares int8 and float32 pooled embeddings on a random
// model of realistic width (hidden 128, 4 heads, 2 layers, intermediate 512)
// over 56 random inputs of 4 to 64 tokens, with weights drawn at BERT's
// initializer_range (0.02) and at 0.3, where the layers change the output far more.
func TestInt8Accuracy(t *testing.T) {
	inputs := randomInputs(rand.New(rand.NewPCG(9, 9)), 56, 4, 64, realistic.VocabSize)
	for _, std := range []float64{0.02, 0.3} {
		f32 := mustRandom(t, realistic, 5, std)
		i8 := mustRandom(t, realistic, 5, std)
		i8.Quantize()
		a, err := f32.Encode(context.Background(), inputs, Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := i8.Encode(context.Background(), inputs, Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var mean, cls, pooler, minMean float64 = 0, 0, 0, 1
		for i := range a {
			c := cosine(a[i].Mean, b[i].Mean)
			mean += c
			minMean = min(minMean, c)
			cls += cosine(a[i].CLS, b[i].CLS)
			pooler += cosine(a[i].Pooler, b[i].Pooler)
		}
		n := float64(len(a))
		t.Logf("weights std %.2f: mean cosine int8 vs float32: mean-pooled %.6f (min %.6f), CLS %.6f, pooler %.6f",
			std, mean/n, minMean, cls/n, pooler/n)
		if mean/n < 0.99 || cls/n < 0.99 {
			t.Errorf("weights std %.2f: mean cosine %.5f (mean-pooled), %.5f (CLS), want >= 0.99", std, mean/n, cls/n)
		}
	}
}

// An int8 model written to safetensors reads back to the same numbers.
func TestInt8RoundTrip(t *testing.T) {
	m := mustRandom(t, tiny, 6, 0.2)
	m.Quantize()
	var buf bytes.Buffer
	if err := m.WriteSafetensors(&buf); err != nil {
		t.Fatal(err)
	}
	f, _ := safetensors.Read(buf.Bytes())
	if w := f.Tensors["bert.encoder.layer.0.attention.self.query.weight"]; w.DType != safetensors.I8 {
		t.Fatalf("query weight stored as %s", w.DType)
	}
	if _, ok := f.Tensors["bert.encoder.layer.1.output.dense.weight_scale"]; !ok {
		t.Fatal("no weight_scale tensor")
	}
	cj, _ := m.Config.JSON()
	if !bytes.Contains(cj, []byte(`"textlab_quantization": "int8"`)) {
		t.Errorf("config.json does not record int8: %s", cj)
	}
	back, err := Load(cj, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	in := []Input{{IDs: []int{1, 4, 9, 16, 25, 36}}}
	a, _ := m.Encode(context.Background(), in, Options{}, nil)
	b, _ := back.Encode(context.Background(), in, Options{}, nil)
	if back.Layers[0].Query.Q == nil || maxDiff(a[0].Mean, b[0].Mean) != 0 {
		t.Errorf("int8 round trip changed the output")
	}
}

func FuzzLoad(f *testing.F) {
	m, _ := NewRandom(Config{VocabSize: 8, HiddenSize: 4, NumAttentionHeads: 2, NumHiddenLayers: 1, IntermediateSize: 8, MaxPositionEmbeddings: 4}, 1, 0.5)
	cj, _ := m.Config.JSON()
	var st bytes.Buffer
	m.WriteSafetensors(&st)
	f.Add(cj, st.Bytes())
	m.Quantize()
	var q bytes.Buffer
	m.WriteSafetensors(&q)
	f.Add(cj, q.Bytes())
	f.Add([]byte(`{"hidden_size": 4}`), []byte{})
	f.Fuzz(func(t *testing.T, config, weights []byte) {
		m, err := Load(config, weights)
		if err != nil {
			return
		}
		// A model that loads must run on a short input.
		n := min(2, m.Config.MaxPositionEmbeddings)
		if _, err := m.Encode(context.Background(), []Input{{IDs: make([]int, n)}}, Options{Attentions: true}, nil); err != nil {
			t.Fatalf("Encode on a loaded model: %v", err)
		}
	})
}

func benchmarkEncode(b *testing.B, int8 bool) {
	m := mustRandom(b, realistic, 1, 0)
	if int8 {
		m.Quantize()
	}
	inputs := randomInputs(rand.New(rand.NewPCG(3, 3)), 16, 64, 64, realistic.VocabSize)
	for b.Loop() {
		if _, err := m.Encode(context.Background(), inputs, Options{}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(inputs)*b.N)/b.Elapsed().Seconds(), "seq/s")
}

// BenchmarkEncodeF32 encodes batches of 16 sequences of 64 tokens with the
// realistic-width random model in float32.
func BenchmarkEncodeF32(b *testing.B) { benchmarkEncode(b, false) }

// BenchmarkEncodeInt8 is BenchmarkEncodeF32 with int8 encoder layers.
func BenchmarkEncodeInt8(b *testing.B) { benchmarkEncode(b, true) }

// A model with an MLM head is written with BertForMaskedLM's names, one
// without it with BertModel's.
func TestWriteNames(t *testing.T) {
	m := mustRandom(t, tiny, 1, 0)
	for _, tt := range []struct {
		head bool
		want string
	}{{true, "bert.encoder.layer.1.output.LayerNorm.weight"}, {false, "encoder.layer.1.output.LayerNorm.weight"}} {
		if !tt.head {
			m.Head = nil
		}
		var buf bytes.Buffer
		if err := m.WriteSafetensors(&buf); err != nil {
			t.Fatal(err)
		}
		f, err := safetensors.Read(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		_, hasHead := f.Tensors["cls.predictions.bias"]
		if _, ok := f.Tensors[tt.want]; !ok || hasHead != tt.head {
			t.Errorf("head=%v: names %v", tt.head, f.Names())
		}
	}
}
