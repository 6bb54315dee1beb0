package llama2c

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"textlab/core/decoder"
)

// TestCheckpointRoundTrip reads stories260K.bin and writes it back: the
// bytes must be identical.
func TestCheckpointRoundTrip(t *testing.T) {
	data := readRef(t, "stories260K.bin")
	ck, err := ParseCheckpoint(data)
	if err != nil {
		t.Fatal(err)
	}
	// Header values from shared/reference/README.md.
	want := decoder.LlamaConfig{Dim: 64, HiddenDim: 172, NLayers: 5, NHeads: 8, NKVHeads: 4, VocabSize: 512, SeqLen: 512}
	if ck.Config != want || !ck.Shared {
		t.Errorf("config %+v shared %v, want %+v shared", ck.Config, ck.Shared, want)
	}
	var out bytes.Buffer
	if err := ck.Write(&out); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), data) {
		t.Errorf("written checkpoint (%d bytes) differs from the file read (%d bytes)", out.Len(), len(data))
	}
}

// tinyCheckpoint makes a small model with a separate classifier, every
// weight a distinct value.
func tinyCheckpoint(t testing.TB) *Checkpoint {
	cfg := decoder.LlamaConfig{Dim: 8, HiddenDim: 12, NLayers: 2, NHeads: 2, NKVHeads: 1, VocabSize: 10, SeqLen: 6}
	next := float32(0)
	vals := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			next += 0.001
			v[i] = next
		}
		return v
	}
	kv := cfg.KVDim()
	w := decoder.LlamaWeights{TokenEmbedding: vals(10 * 8), RMSFinal: vals(8), Classifier: vals(10 * 8)}
	for range cfg.NLayers {
		w.Layers = append(w.Layers, decoder.LlamaLayer{RMSAtt: vals(8), Wq: vals(64), Wk: vals(kv * 8), Wv: vals(kv * 8),
			Wo: vals(64), RMSFFN: vals(8), W1: vals(96), W2: vals(96), W3: vals(96)})
	}
	return &Checkpoint{Config: cfg, Weights: w}
}

func TestCheckpointSeparateClassifier(t *testing.T) {
	ck := tinyCheckpoint(t)
	var buf bytes.Buffer
	if err := ck.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if v := int32(binary.LittleEndian.Uint32(buf.Bytes()[20:])); v != -10 {
		t.Errorf("header vocab_size %d, want -10 (separate classifier)", v)
	}
	back, err := ParseCheckpoint(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if back.Shared || back.Config != ck.Config {
		t.Fatalf("read back config %+v shared %v", back.Config, back.Shared)
	}
	m1, err := ck.Model()
	if err != nil {
		t.Fatal(err)
	}
	m2, err := back.Model()
	if err != nil {
		t.Fatal(err)
	}
	for pos, tok := range []int{1, 5, 9} {
		a, b := m1.Forward(tok, pos), m2.Forward(tok, pos)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("pos %d logit %d: %v before writing, %v after", pos, i, a[i], b[i])
			}
		}
	}
	var again bytes.Buffer
	if err := back.Write(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Error("second write differs from the first")
	}
}

func header(v ...int32) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	return b.Bytes()
}

func TestParseCheckpointErrors(t *testing.T) {
	var good bytes.Buffer
	if err := tinyCheckpoint(t).Write(&good); err != nil {
		t.Fatal(err)
	}
	g := good.Bytes()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "shorter than the 28-byte header"},
		{"heads do not divide dim", header(10, 12, 1, 3, 3, 10, 4), "n_heads 3 does not divide dim 10"},
		{"kv heads", header(8, 12, 1, 2, 3, 10, 4), "n_kv_heads 3"},
		{"zero layers", header(8, 12, 0, 2, 2, 10, 4), "n_layers is 0"},
		{"absurd header", header(1<<30, 1<<30, 1<<30, 2, 2, 1<<30, 1<<30), "tensor \"token_embedding\" needs"},
		{"truncated", g[:len(g)-7], "tensor \"wcls\" needs"},
		{"cut in w2", g[:28+4*(80+16+128+64+64+128+16+192+40)], "tensor \"w2\" needs"},
		{"trailing bytes", append(append([]byte{}, g...), 0, 0, 0, 0), "4 bytes after the last tensor"},
	}
	for _, tt := range tests {
		_, err := ParseCheckpoint(tt.data)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

func FuzzParseCheckpoint(f *testing.F) {
	var good bytes.Buffer
	if err := tinyCheckpoint(f).Write(&good); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add(header(8, 12, 1, 2, 2, 10, 4))
	f.Add(header(2, 1, 1, 1, 1, 1, 1))
	f.Add(good.Bytes()[:good.Len()-5])                                    // truncated
	f.Add(append(header(8192, 32768, 32, 64, 64, 100000, 4096), 0, 0, 0)) // about 100 GB declared
	f.Fuzz(func(t *testing.T, data []byte) {
		ck, err := ParseCheckpoint(data)
		if err != nil {
			return
		}
		m, err := ck.Model()
		if err != nil {
			t.Fatalf("parsed checkpoint does not make a model: %v", err)
		}
		m.Forward(BOS%ck.Config.VocabSize, 0)
		var out bytes.Buffer
		if err := ck.Write(&out); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), data) {
			t.Fatal("write(parse(data)) != data")
		}
	})
}
