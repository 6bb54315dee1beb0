package pretrain

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"textlab/core/llama2c"
	"textlab/core/tokenize/wordpiece"
	"textlab/core/tokentrain"
)

// storyCorpus is lines of seeded sentences from a small grammar ("the
// old cat sat on the mat ."), so that a tiny model has something to learn
// beyond word frequencies: which words follow which.
func storyCorpus(lines int, seed uint64) string {
	r := rand.New(rand.NewPCG(seed, 99))
	pick := func(ws ...string) string { return ws[r.IntN(len(ws))] }
	var b strings.Builder
	for range lines {
		for s := range 1 + r.IntN(3) {
			if s > 0 {
				b.WriteByte(' ')
			}
			switch r.IntN(3) {
			case 0:
				b.WriteString("the " + pick("old", "small", "black", "happy") + " " + pick("cat", "dog", "bird") + " " +
					pick("sat", "slept", "waited") + " on the " + pick("mat", "roof", "chair") + " .")
			case 1:
				b.WriteString(pick("rain", "snow") + " fell over the " + pick("town", "hills", "river") + " all " + pick("night", "day") + " .")
			default:
				b.WriteString("she " + pick("read", "wrote", "found") + " a " + pick("letter", "book", "poem") + " about the " + pick("sea", "war", "king") + " .")
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// fixture is a tiny pretraining run made once per kind for the tests of
// export, evaluation and the model card: tokenizers trained on a story
// corpus, the token streams, and a checkpoint of a few dozen steps.
type fixture struct {
	cfg          Config
	dir          string // the run's folder: checkpoint.safetensors
	tokPath      string // vocab.txt or tokenizer.bin
	train, valid Stream
	wp           *wordpiece.Tokenizer // encoder
	llama        *llama2c.Tokenizer   // decoder
}

var (
	fixtureOnce [2]sync.Once
	fixtures    [2]*fixture
	fixtureErr  [2]error
	fixtureRoot string
)

// TestMain removes the fixtures' folder after the tests.
func TestMain(m *testing.M) {
	var err error
	if fixtureRoot, err = os.MkdirTemp("", "textlab-pretrain-*"); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(fixtureRoot)
	os.Exit(code)
}

// getFixture returns the run of kind, training it on first use.
func getFixture(t testing.TB, kind Kind) *fixture {
	t.Helper()
	i := 0
	if kind == Decoder {
		i = 1
	}
	fixtureOnce[i].Do(func() { fixtures[i], fixtureErr[i] = makeFixture(kind) })
	if fixtureErr[i] != nil {
		t.Fatal(fixtureErr[i])
	}
	return fixtures[i]
}

func makeFixture(kind Kind) (*fixture, error) {
	ctx := context.Background()
	trainText, validText := storyCorpus(600, 1), storyCorpus(60, 2)
	f := &fixture{dir: filepath.Join(fixtureRoot, string(kind))}
	if err := os.MkdirAll(f.dir, 0o755); err != nil {
		return nil, err
	}
	var encode func(string) ([]int, error)
	var sep []int
	first := false
	var vocab int
	if kind == Encoder {
		var c tokentrain.Counter
		for _, l := range strings.Split(trainText, "\n") {
			c.Add(l)
		}
		v, err := tokentrain.TrainWordPiece(ctx, c.Words(), tokentrain.WordPieceConfig{VocabSize: 120, Alphabet: "a"}, nil)
		if err != nil {
			return nil, err
		}
		data := []byte(strings.Join(v, "\n") + "\n")
		f.tokPath = filepath.Join(f.dir, "vocab.txt")
		if err := os.WriteFile(f.tokPath, data, 0o644); err != nil {
			return nil, err
		}
		if f.wp, err = wordpiece.LoadVocab(bytes.NewReader(data), wordpiece.Options{}); err != nil {
			return nil, err
		}
		encode = func(s string) ([]int, error) {
			e, err := f.wp.EncodeWith(s, wordpiece.EncodeOptions{NoSpecial: true})
			return e.IDs, err
		}
		sep, vocab = []int{DefaultSpecial.SEP}, f.wp.VocabSize()
	} else {
		c := tokentrain.Counter{Split: tokentrain.SplitLlama}
		for _, l := range strings.Split(trainText, "\n") {
			c.Add(l)
		}
		v, err := tokentrain.TrainLlama(ctx, c.Words(), tokentrain.LlamaConfig{VocabSize: tokentrain.LlamaFirstPiece + 80, Alphabet: " "}, nil)
		if err != nil {
			return nil, err
		}
		var bin bytes.Buffer
		if _, err := v.WriteTo(&bin); err != nil {
			return nil, err
		}
		f.tokPath = filepath.Join(f.dir, "tokenizer.bin")
		if err := os.WriteFile(f.tokPath, bin.Bytes(), 0o644); err != nil {
			return nil, err
		}
		if f.llama, err = llama2c.ReadTokenizer(&bin); err != nil {
			return nil, err
		}
		encode = WordCache(func(w string) ([]int, error) { e, err := f.llama.Encode(w, false); return e.IDs, err })
		sep, first, vocab = []int{DefaultSpecial.BOS}, true, f.llama.VocabSize()
	}
	var err error
	if f.train, err = Tokenize(ctx, strings.NewReader(trainText), 0, encode, sep, first, nil); err != nil {
		return nil, err
	}
	if f.valid, err = Tokenize(ctx, strings.NewReader(validText), 0, encode, sep, first, nil); err != nil {
		return nil, err
	}
	f.cfg = Config{Kind: kind, Dim: 32, Layers: 2, Heads: 2, Hidden: 64, Vocab: vocab, SeqLen: 32, Batch: 8, Accum: 1,
		Steps: 60, Warmup: 5, PeakLR: 1e-2, MinLR: 1e-3, WeightDecay: 0.01, ClipNorm: 1, Seed: 5,
		EvalEvery: 20, EvalWindows: 16, Special: DefaultSpecial}
	sum, _, err := FileSHA256(f.tokPath)
	if err != nil {
		return nil, err
	}
	inputs := map[string]string{filepath.Base(f.tokPath): sum}
	if _, err := Run(ctx, f.cfg, f.train, f.valid, Options{Dir: f.dir, LogEvery: 5, Inputs: inputs}); err != nil {
		return nil, err
	}
	return f, nil
}

// open loads the fixture's checkpoint.
func (f *fixture) open(t testing.TB) *Checkpoint {
	t.Helper()
	c, err := OpenCheckpoint(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
