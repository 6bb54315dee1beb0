package decoder_test

import (
	"testing"

	"textlab/core/decoder"
)

// benchForward runs one token per iteration, restarting the sequence every
// 128 positions (or SeqLen), and reports tokens per second.
func benchForward(b *testing.B, m decoder.Model) {
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pos := i % min(128, m.SeqLen())
		if pos == 0 {
			m.Reset()
		}
		m.Forward((i*31+7)%m.VocabSize(), pos)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkLlamaForwardInt8 compares float32 and int8 projections on
// stories260K (dim 64, 5 layers, vocab 512).
func BenchmarkLlamaForwardInt8(b *testing.B) {
	for _, int8 := range []bool{false, true} {
		name := "float32"
		if int8 {
			name = "int8"
		}
		b.Run(name, func(b *testing.B) {
			m := loadModel(b)
			if int8 {
				m.Quantize()
			}
			benchForward(b, m)
		})
	}
}

// BenchmarkGPT2Forward runs random GPT-2 models: the tiny one of the tests,
// and a small one (n_embd 256, 4 layers, 8 heads, vocab 8192), in float32
// and int8.
func BenchmarkGPT2Forward(b *testing.B) {
	small := decoder.GPT2Config{VocabSize: 8192, NEmbd: 256, NHead: 8, NLayer: 4, NPositions: 128}
	for _, c := range []struct {
		name string
		cfg  decoder.GPT2Config
	}{{"tiny", tinyGPT2}, {"small", small}} {
		for _, q := range []string{"", "int8"} {
			name := c.name + "/float32"
			if q != "" {
				name = c.name + "/int8"
			}
			b.Run(name, func(b *testing.B) {
				cfg := c.cfg
				cfg.Quantization = q
				m, err := decoder.NewRandomGPT2(cfg, 1, 0)
				if err != nil {
					b.Fatal(err)
				}
				benchForward(b, m)
			})
		}
	}
}
