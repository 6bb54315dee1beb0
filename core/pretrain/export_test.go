package pretrain

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"textlab/core/bert"
	"textlab/core/decoder"
	"textlab/core/safetensors"
	"textlab/core/tokenize/wordpiece"
	"textlab/core/train"
)

// readExport reads a file of an export.
func readExport(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkFiles checks that Exported lists exactly the files named, with
// their sizes and sha256.
func checkFiles(t *testing.T, ex *Exported, names ...string) {
	t.Helper()
	var got []string
	var total int64
	for _, f := range ex.Files {
		got = append(got, f.Name)
		data := readExport(t, ex.Dir, f.Name)
		sum := sha256.Sum256(data)
		if f.Bytes != int64(len(data)) || f.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: listed %d bytes sha256 %s; the file has %d bytes sha256 %x", f.Name, f.Bytes, f.SHA256, len(data), sum)
		}
		total += f.Bytes
	}
	if !slices.Equal(got, names) || total != ex.Total {
		t.Errorf("files %v (%d bytes, total %d), want %v", got, total, ex.Total, names)
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

// klDivergence returns KL(softmax(p) ‖ softmax(q)) in nats.
func klDivergence(p, q []float32) float64 {
	lp, lq := logSoftmax(p), logSoftmax(q)
	var kl float64
	for i := range lp {
		kl += math.Exp(lp[i]) * (lp[i] - lq[i])
	}
	return kl
}

// The int8 export loads with core/bert.Load and core/decoder.LoadLlama and
// computes nearly what the float32 checkpoint computes.
//
// The thresholds: int8 moves each weight by at most half a step,
// max|row|/254, i.e. 0.4% of its row's largest value, with errors that
// mostly cancel in the sums. For the encoder the mean-pooled outputs of
// the held-out windows must keep a cosine above 0.999 with the float32
// ones (measured 0.99993 at worst); for the decoder the next-token
// distributions a KL divergence below 0.002 nats on average (measured
// 0.0001) and below 0.01 at worst (measured 0.0006), and the same most
// likely token at 97% of the positions or more (measured 100%).
func TestExportTextlabInt8(t *testing.T) {
	t.Run("encoder", func(t *testing.T) {
		f := getFixture(t, Encoder)
		ck := f.open(t)
		out := t.TempDir()
		ex, err := ck.Export(out, ExportOptions{Tokenizer: f.tokPath})
		if err != nil {
			t.Fatal(err)
		}
		checkFiles(t, ex, "config.json", "model.safetensors", "vocab.txt")
		st := readExport(t, out, "model.safetensors")
		file, err := safetensors.Read(st)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
			"bert.embeddings.token_type_embeddings.weight", "bert.encoder.layer.0.attention.self.query.weight"} {
			if file.Tensors[name].DType != safetensors.I8 || file.Tensors[name+"_scale"].DType != safetensors.F32 {
				t.Errorf("%s is not int8 with %s_scale", name, name)
			}
		}
		q, err := bert.Load(readExport(t, out, "config.json"), st)
		if err != nil {
			t.Fatal(err)
		}
		fl, err := ck.Encoder()
		if err != nil {
			t.Fatal(err)
		}
		vw := Windows{Stream: f.valid, Config: f.cfg}
		var inputs []bert.Input
		for i := range vw.Len() {
			inputs = append(inputs, bert.Input{IDs: vw.Window(i)})
		}
		a, err := fl.Encode(context.Background(), inputs, bert.Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := q.Encode(context.Background(), inputs, bert.Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		worst := 1.0
		for i := range a {
			worst = min(worst, cosine(a[i].Mean, b[i].Mean))
		}
		t.Logf("int8 encoder: %d bytes; worst cosine of mean-pooled outputs over %d windows %.6f", ex.Total, len(a), worst)
		if worst < 0.999 {
			t.Errorf("cosine %.6f below 0.999", worst)
		}
	})
	t.Run("decoder", func(t *testing.T) {
		f := getFixture(t, Decoder)
		ck := f.open(t)
		out := t.TempDir()
		ex, err := ck.Export(out, ExportOptions{Tokenizer: f.tokPath})
		if err != nil {
			t.Fatal(err)
		}
		checkFiles(t, ex, "config.json", "model.safetensors", "tokenizer.bin")
		st := readExport(t, out, "model.safetensors")
		file, err := safetensors.Read(st)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := file.Tensors["output.weight"]; ok {
			t.Errorf("the tied classifier is written twice")
		}
		if file.Tensors["tok_embeddings.weight"].DType != safetensors.I8 {
			t.Errorf("the token embedding is not int8")
		}
		q, err := decoder.LoadLlama(readExport(t, out, "config.json"), st)
		if err != nil {
			t.Fatal(err)
		}
		if !q.Quantized() || &q.Weights.Classifier[0] != &q.Weights.TokenEmbedding[0] {
			t.Errorf("loaded: quantized %v, classifier tied %v", q.Quantized(), &q.Weights.Classifier[0] == &q.Weights.TokenEmbedding[0])
		}
		fl, err := ck.Decoder()
		if err != nil {
			t.Fatal(err)
		}
		vw := Windows{Stream: f.valid, Config: f.cfg}
		var sum, worst float64
		n, same := 0, 0
		for w := range min(vw.Len(), 8) {
			fl.Reset()
			q.Reset()
			for pos, tok := range vw.Window(w) {
				lf := fl.Forward(tok, pos)
				lq := q.Forward(tok, pos)
				kl := klDivergence(lf, lq)
				sum += kl
				worst = max(worst, kl)
				n++
				if argmax(lf) == argmax(lq) {
					same++
				}
			}
		}
		t.Logf("int8 decoder: %d bytes; KL(float32 ‖ int8) mean %.2g, worst %.2g nats; same top token at %d of %d positions", ex.Total, sum/float64(n), worst, same, n)
		if sum/float64(n) > 0.002 || worst > 0.01 || float64(same) < 0.97*float64(n) {
			t.Errorf("int8 decoder too far from float32")
		}
	})
}

func argmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// The models `make models` trains (4 layers of 256, feed-forward 1,024,
// vocabulary 8,192, 128 positions) fit the browser's 8 MB in int8, the
// decoder's tied classifier stored once; in float32 they would not.
func TestExportSizes(t *testing.T) {
	if testing.Short() {
		t.Skip("writes two full-size checkpoints")
	}
	for _, tc := range []struct {
		kind Kind
		want int64 // bytes of model.safetensors, measured (a function of the sizes only)
	}{
		{Encoder, 5_711_072},
		{Decoder, 6_393_312},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			cfg := Config{Kind: tc.kind, Dim: 256, Layers: 4, Heads: 4, Hidden: 1024, Vocab: 8192, SeqLen: 128, Batch: 1, Accum: 1,
				Steps: 1, PeakLR: 1e-3, Seed: 1, Special: DefaultSpecial}
			m, err := cfg.NewModel()
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := Save(dir, m, &train.AdamW{}, State{Config: cfg}); err != nil {
				t.Fatal(err)
			}
			tok := filepath.Join(dir, "tok")
			if err := os.WriteFile(tok, syntheticTokenizer(t, tc.kind, cfg.Vocab), 0o644); err != nil {
				t.Fatal(err)
			}
			ex, err := Export(dir, filepath.Join(dir, "out"), ExportOptions{Tokenizer: tok})
			if err != nil {
				t.Fatal(err)
			}
			var params int
			for _, p := range m.Params() {
				params += len(p.Value)
			}
			t.Logf("%s: %d parameters, %d bytes in float32, %d bytes exported in int8: %v", tc.kind, params, 4*params, ex.Total, ex.Files)
			if ex.Total > MaxBrowserBytes || 4*int64(params) < MaxBrowserBytes {
				t.Errorf("%d bytes in int8, %d in float32; want the first under %d and the second over", ex.Total, 4*params, MaxBrowserBytes)
			}
			if got := ex.Files[1].Bytes; got != tc.want {
				t.Errorf("model.safetensors: %d bytes, measured %d before", got, tc.want)
			}
		})
	}
}

// syntheticTokenizer returns a vocab.txt or tokenizer.bin of n tokens.
func syntheticTokenizer(t *testing.T, kind Kind, n int) []byte {
	var b bytes.Buffer
	if kind == Encoder {
		b.WriteString("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n")
		for i := 5; i < n; i++ {
			b.WriteString("w" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + itoa(i) + "\n")
		}
		return b.Bytes()
	}
	le := func(v uint32) { b.Write([]byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)}) }
	le(16)
	for i := range n {
		p := []byte(" p" + itoa(i))
		switch {
		case i < 3:
			p = []byte([]string{"<unk>", "\n<s>\n", "\n</s>\n"}[i])
		case i < 259:
			p = []byte("<0x" + strings.ToUpper(hex.EncodeToString([]byte{byte(i - 3)})) + ">")
		}
		le(math.Float32bits(float32(-i)))
		le(uint32(len(p)))
		b.Write(p)
	}
	return b.Bytes()
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var s []byte
	for ; i > 0; i /= 10 {
		s = append([]byte{byte('0' + i%10)}, s...)
	}
	return string(s)
}

// Export refuses what it cannot do, and writes nothing then.
func TestExportErrors(t *testing.T) {
	enc, dec := getFixture(t, Encoder), getFixture(t, Decoder)
	for _, tc := range []struct {
		name string
		f    *fixture
		opt  ExportOptions
		want string
	}{
		{"no tokenizer", enc, ExportOptions{}, "needs the tokenizer"},
		{"another tokenizer", enc, ExportOptions{Tokenizer: dec.tokPath}, "is not the tokenizer the run"},
		{"llama2c encoder", enc, ExportOptions{Tokenizer: enc.tokPath, Format: Llama2c}, `format "llama2c" is for decoders`},
		{"unknown format", dec, ExportOptions{Tokenizer: dec.tokPath, Format: "onnx"}, `unknown format "onnx"`},
		{"over the size limit", dec, ExportOptions{Tokenizer: dec.tokPath, MaxBytes: 1000}, "more than the 1000 allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			_, err := Export(tc.f.dir, out, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was created", out)
			}
		})
	}
	if _, err := OpenCheckpoint(t.TempDir()); !os.IsNotExist(err) && !strings.Contains(err.Error(), "no such file") {
		t.Errorf("no checkpoint: %v", err)
	}
}

// The Hugging Face encoder's tokenizer.json tokenizes as its vocab.txt.
func TestWordPieceJSON(t *testing.T) {
	f := getFixture(t, Encoder)
	out := t.TempDir()
	ex, err := f.open(t).Export(out, ExportOptions{Tokenizer: f.tokPath, Format: HF})
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, ex, "config.json", "model.safetensors", "vocab.txt", "tokenizer.json", "tokenizer_config.json")
	fromJSON, err := wordpiece.LoadTokenizerJSON(bytes.NewReader(readExport(t, out, "tokenizer.json")))
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range append(strings.Split(storyCorpus(20, 3), "\n"),
		"The Old CAT sat on the [MASK].", "Crème brûlée, naïve café!", "北京 and 東京", "  tabs\tand\nnewlines  ", "[CLS] x [SEP] [PAD] [UNK]", "") {
		a, err1 := f.wp.Encode(text, true)
		b, err2 := fromJSON.Encode(text, true)
		if err1 != nil || err2 != nil || !slices.Equal(a.IDs, b.IDs) {
			t.Errorf("%q: vocab.txt %v (%v), tokenizer.json %v (%v)", text, a.IDs, err1, b.IDs, err2)
		}
	}
}

// halvesRows turns llama2.c's rotation of pairs (2i, 2i+1) into Hugging
// Face's rotation of halves (i, i+headSize/2): rotating the permuted
// projection's output by halves gives the permuted pairwise rotation.
func TestHalvesRows(t *testing.T) {
	const heads, hs, cols = 3, 8, 5
	r := rand.New(rand.NewPCG(1, 2))
	w := make([]float32, heads*hs*cols)
	for i := range w {
		w[i] = float32(r.NormFloat64())
	}
	x := make([]float32, cols)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	matvec := func(w []float32) []float64 {
		y := make([]float64, heads*hs)
		for o := range y {
			for c := range cols {
				y[o] += float64(w[o*cols+c]) * float64(x[c])
			}
		}
		return y
	}
	const pos = 3
	angle := func(i int) float64 { return pos * math.Pow(10000, -float64(2*i)/hs) }
	pairs, halves := matvec(w), matvec(halvesRows(w, heads, hs, cols))
	for h := range heads {
		for i := range hs / 2 {
			c, s := math.Cos(angle(i)), math.Sin(angle(i))
			// llama2.c: (2i, 2i+1) rotated.
			a, b := pairs[h*hs+2*i], pairs[h*hs+2*i+1]
			wantA, wantB := a*c-b*s, a*s+b*c
			// Hugging Face: q·cos + rotate_half(q)·sin on (i, i+hs/2).
			u, v := halves[h*hs+i], halves[h*hs+i+hs/2]
			gotA, gotB := u*c-v*s, v*c+u*s
			if math.Abs(gotA-wantA) > 1e-9 || math.Abs(gotB-wantB) > 1e-9 {
				t.Errorf("head %d pair %d: halves give (%g, %g), pairs (%g, %g)", h, i, gotA, gotB, wantA, wantB)
			}
		}
	}
}
