package decoder_test

import (
	"bytes"
	"testing"

	"textlab/core/decoder"
	"textlab/core/safetensors"
)

// A Llama file without output.weight has its classifier tied to the token
// embedding (Textlab's int8 export writes a tied classifier once), and an
// int8 token embedding with per-row scales is dequantized on load.
func TestLoadLlamaTiedWithoutOutput(t *testing.T) {
	m := loadModel(t)
	cfgJSON, err := m.ConfigJSON()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := m.WriteSafetensors(&b); err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Read(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	emb := f.Tensors["tok_embeddings.weight"]
	rows, cols := emb.Shape[0], emb.Shape[1]
	// The embedding as int8 rows: each value a multiple of its row's scale,
	// so the dequantized table is known exactly.
	q := make([]int8, len(emb.F32))
	scales := make([]float32, rows)
	want := make([]float32, len(emb.F32))
	for r := range rows {
		scales[r] = 1.0 / 64
		for c := range cols {
			v := int8((r*7+c*3)%255 - 127)
			q[r*cols+c] = v
			want[r*cols+c] = float32(v) * scales[r]
		}
	}
	for _, tc := range []struct {
		name string
		edit func(ts map[string]safetensors.Tensor)
		emb  []float32 // the token embedding expected after loading; nil: the original
	}{
		{"float32 embedding", func(ts map[string]safetensors.Tensor) {}, nil},
		{"int8 embedding", func(ts map[string]safetensors.Tensor) {
			ts["tok_embeddings.weight"] = safetensors.Tensor{Name: "tok_embeddings.weight", Shape: emb.Shape, DType: safetensors.I8, I8: q}
			ts["tok_embeddings.weight_scale"] = safetensors.Tensor{Name: "tok_embeddings.weight_scale", Shape: []int{rows}, F32: scales}
		}, want},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := map[string]safetensors.Tensor{}
			for n, v := range f.Tensors {
				if n != "output.weight" {
					ts[n] = v
				}
			}
			tc.edit(ts)
			var out bytes.Buffer
			list := make([]safetensors.Tensor, 0, len(ts))
			for _, n := range (&safetensors.File{Tensors: ts}).Names() {
				list = append(list, ts[n])
			}
			if err := safetensors.Write(&out, list, nil); err != nil {
				t.Fatal(err)
			}
			back, err := decoder.LoadLlama(cfgJSON, out.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			w := back.Weights
			if &w.Classifier[0] != &w.TokenEmbedding[0] {
				t.Errorf("the classifier is not the token embedding")
			}
			wantEmb := tc.emb
			if wantEmb == nil {
				wantEmb = m.Weights.TokenEmbedding
			}
			if d := maxAbsDiff(w.TokenEmbedding, wantEmb); d != 0 || len(w.TokenEmbedding) != len(wantEmb) {
				t.Errorf("token embedding differs by %g", d)
			}
			if tc.emb == nil {
				for pos, tok := range []int{1, 100, 200} {
					if d := maxAbsDiff(back.Forward(tok, pos), m.Forward(tok, pos)); d != 0 {
						t.Errorf("pos %d: logits differ by %.3g", pos, d)
					}
				}
			}
		})
	}
}
