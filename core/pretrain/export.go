package pretrain

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"textlab/core/bert"
	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/core/quant"
	"textlab/core/safetensors"
	"textlab/core/tokenize/wordpiece"
	"textlab/core/train"
)

// Format is a file layout Export writes.
type Format string

// The formats Export writes.
const (
	// Textlab is what the browser loads: config.json, model.safetensors
	// with every projection and every embedding table in int8 (one
	// float32 scale per row), and the tokenizer (vocab.txt or
	// tokenizer.bin). core/bert.Load and core/decoder.LoadLlama read it.
	Textlab Format = "textlab"
	// HF is Hugging Face's float32 layout: for the encoder BertForMaskedLM
	// (config.json, model.safetensors, vocab.txt, tokenizer.json); for the
	// decoder LlamaForCausalLM (config.json, model.safetensors with q and k
	// permuted to the halves rotation, tokenizer.json, and llama2.c's
	// tokenizer.bin for Textlab).
	HF Format = "hf"
	// Llama2c is llama2.c's legacy float32 model.bin and its tokenizer.bin
	// (decoder only), which run.c and `textlab generate` read.
	Llama2c Format = "llama2c"
)

// MaxBrowserBytes is the most bytes a model in the Textlab format may take
// (all its files together): 8 MB, so that a browser tab loads it in a
// second.
const MaxBrowserBytes = 8_000_000

// Checkpoint is a pretraining run's checkpoint loaded for export and
// evaluation: its state, the training model with its weights, and the
// file's size and sha256.
type Checkpoint struct {
	Dir    string
	State  State
	Model  train.Model // *train.BERT (encoder) or *train.Llama (decoder)
	Bytes  int64       // size of checkpoint.safetensors
	SHA256 string      // hex sha256 of checkpoint.safetensors
}

// ReadState returns the State stored in dir's checkpoint, reading only the
// file's header.
func ReadState(dir string) (State, error) {
	f, err := os.Open(filepath.Join(dir, CheckpointFile))
	if err != nil {
		return State{}, err
	}
	defer f.Close()
	var n uint64
	if err := binary.Read(f, binary.LittleEndian, &n); err != nil {
		return State{}, fmt.Errorf("checkpoint %s: %w", dir, err)
	}
	if n > safetensors.MaxHeaderSize {
		return State{}, fmt.Errorf("checkpoint %s: header of %d bytes exceeds %d", dir, n, safetensors.MaxHeaderSize)
	}
	header := make([]byte, n)
	if _, err := io.ReadFull(f, header); err != nil {
		return State{}, fmt.Errorf("checkpoint %s: header: %w", dir, err)
	}
	var h struct {
		Meta map[string]string `json:"__metadata__"`
	}
	if err := json.Unmarshal(header, &h); err != nil {
		return State{}, fmt.Errorf("checkpoint %s: header: %w", dir, err)
	}
	meta, ok := h.Meta["textlab_pretrain"]
	if !ok {
		return State{}, fmt.Errorf("checkpoint %s: no textlab_pretrain state in its metadata", dir)
	}
	var st State
	if err := json.Unmarshal([]byte(meta), &st); err != nil {
		return State{}, fmt.Errorf("checkpoint %s: its state: %w", dir, err)
	}
	return st, nil
}

// OpenCheckpoint loads the checkpoint in dir: its state, and a model of the
// run's settings holding its weights.
func OpenCheckpoint(dir string) (*Checkpoint, error) {
	st, err := ReadState(dir)
	if err != nil {
		return nil, err
	}
	m, err := st.Config.NewModel()
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", dir, err)
	}
	var opt train.AdamW
	if st, err = Load(dir, m, &opt); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", dir, err)
	}
	sum, size, err := FileSHA256(filepath.Join(dir, CheckpointFile))
	if err != nil {
		return nil, err
	}
	return &Checkpoint{Dir: dir, State: st, Model: m, Bytes: size, SHA256: sum}, nil
}

// Encoder returns the checkpoint's encoder as a float32 core/bert model
// with its MLM head. It shares the checkpoint's weights.
func (c *Checkpoint) Encoder() (*bert.Model, error) {
	m, ok := c.Model.(*train.BERT)
	if !ok {
		return nil, fmt.Errorf("pretrain: the checkpoint in %s is a %s, not an encoder", c.Dir, c.State.Config.Kind)
	}
	return m.Model(), nil
}

// Decoder returns the checkpoint's decoder as a float32 core/decoder
// Llama. It shares the checkpoint's weights.
func (c *Checkpoint) Decoder() (*decoder.Llama, error) {
	ck, err := c.Llama2c()
	if err != nil {
		return nil, err
	}
	return ck.Model()
}

// Llama2c returns the checkpoint's decoder as a llama2.c checkpoint,
// sharing the weights.
func (c *Checkpoint) Llama2c() (*llama2c.Checkpoint, error) {
	m, ok := c.Model.(*train.Llama)
	if !ok {
		return nil, fmt.Errorf("pretrain: the checkpoint in %s is a %s, not a decoder", c.Dir, c.State.Config.Kind)
	}
	return m.Checkpoint(), nil
}

// ExportOptions say what Export writes.
type ExportOptions struct {
	// Format is the layout; "" means Textlab.
	Format Format
	// Tokenizer is the vocab.txt (encoder) or tokenizer.bin (decoder) the
	// run was trained with (required). When the checkpoint records the
	// sha256 of its inputs, the file must be one of them.
	Tokenizer string
	// MaxBytes bounds the total size of a Textlab export: 0 means
	// MaxBrowserBytes, a negative value means no bound. Other formats are
	// float32 references and have no bound.
	MaxBytes int64
}

// FileSum is one file of a model card: its name (relative to the folder
// it is in, or a path), size and sha256.
type FileSum struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Exported describes what Export wrote.
type Exported struct {
	Dir    string
	Kind   Kind
	Format Format
	Files  []FileSum // in the order written
	Total  int64     // bytes of all files
}

// Export writes the checkpoint in checkpointDir to outDir in opt.Format:
// OpenCheckpoint, then Checkpoint.Export.
func Export(checkpointDir, outDir string, opt ExportOptions) (*Exported, error) {
	c, err := OpenCheckpoint(checkpointDir)
	if err != nil {
		return nil, err
	}
	return c.Export(outDir, opt)
}

// Export writes the model to outDir in opt.Format and returns the files
// written with their sizes and sha256. Every file is made in memory first:
// a Textlab export larger than opt.MaxBytes, or one that core/bert.Load or
// core/decoder.LoadLlama cannot read back, writes nothing.
//
// In the Textlab format the projections are quantized as
// bert.Model.Quantize and decoder.Llama.Quantize do, and every embedding
// and classifier table is stored as int8 "<name>" with a float32
// "<name>_scale" per row (symmetric: scale = max|row|/127), which
// safetensors.Loader.Float dequantizes on load. A decoder classifier tied
// to the token embedding is written once (no output.weight).
func (c *Checkpoint) Export(outDir string, opt ExportOptions) (*Exported, error) {
	format := opt.Format
	if format == "" {
		format = Textlab
	}
	kind := c.State.Config.Kind
	tokData, err := c.tokenizer(opt.Tokenizer)
	if err != nil {
		return nil, err
	}
	var files []namedFile
	switch {
	case kind == Encoder && format == Textlab:
		files, err = c.encoderTextlab(tokData)
	case kind == Encoder && format == HF:
		files, err = c.encoderHF(tokData)
	case kind == Decoder && format == Textlab:
		files, err = c.decoderTextlab(tokData)
	case kind == Decoder && format == HF:
		files, err = c.decoderHF(tokData)
	case kind == Decoder && format == Llama2c:
		files, err = c.decoderLlama2c(tokData)
	case format == Llama2c:
		return nil, fmt.Errorf("pretrain: format %q is for decoders; an encoder exports as %q or %q", format, Textlab, HF)
	default:
		return nil, fmt.Errorf("pretrain: unknown format %q (want %q, %q or %q)", format, Textlab, HF, Llama2c)
	}
	if err != nil {
		return nil, err
	}
	ex := &Exported{Dir: outDir, Kind: kind, Format: format}
	for _, f := range files {
		ex.Total += int64(len(f.data))
	}
	limit := opt.MaxBytes
	if limit == 0 {
		limit = MaxBrowserBytes
	}
	if format == Textlab && limit > 0 && ex.Total > limit {
		return nil, fmt.Errorf("pretrain: the int8 %s takes %d bytes, more than the %d allowed; choose a smaller model", kind, ex.Total, limit)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(outDir, f.name), f.data, 0o644); err != nil {
			return nil, err
		}
		sum := sha256.Sum256(f.data)
		ex.Files = append(ex.Files, FileSum{Name: f.name, Bytes: int64(len(f.data)), SHA256: hex.EncodeToString(sum[:])})
	}
	return ex, nil
}

// namedFile is one file of an export, made in memory.
type namedFile struct {
	name string
	data []byte
}

// tokenizer reads the run's tokenizer file and checks it against the
// checkpoint's inputs and vocabulary size.
func (c *Checkpoint) tokenizer(path string) ([]byte, error) {
	if path == "" {
		return nil, fmt.Errorf("pretrain: export needs the tokenizer the run was trained with")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(c.State.Inputs) > 0 {
		sum := sha256.Sum256(data)
		hexSum := hex.EncodeToString(sum[:])
		found := false
		for _, v := range c.State.Inputs {
			found = found || v == hexSum
		}
		if !found {
			return nil, fmt.Errorf("pretrain: %s (sha256 %s) is not the tokenizer the run in %s was trained with (its inputs: %v)", path, hexSum, c.Dir, c.State.Inputs)
		}
	}
	var n int
	if c.State.Config.Kind == Encoder {
		tok, err := wordpiece.LoadVocab(bytes.NewReader(data), wordpiece.Options{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		n = tok.VocabSize()
	} else {
		tok, err := llama2c.ReadTokenizer(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		n = tok.VocabSize()
	}
	if n != c.State.Config.Vocab {
		return nil, fmt.Errorf("pretrain: %s has %d tokens, the model %d", path, n, c.State.Config.Vocab)
	}
	return data, nil
}

// encoderTextlab is the browser's int8 encoder.
func (c *Checkpoint) encoderTextlab(vocab []byte) ([]namedFile, error) {
	m, err := c.Encoder()
	if err != nil {
		return nil, err
	}
	m.Quantize()
	var buf bytes.Buffer
	if err := m.WriteSafetensors(&buf); err != nil {
		return nil, err
	}
	isTable := func(name string) bool {
		return strings.HasSuffix(name, "_embeddings.weight") || name == "cls.predictions.decoder.weight"
	}
	st, err := int8Tables(buf.Bytes(), isTable, nil)
	if err != nil {
		return nil, err
	}
	cfg, err := m.Config.JSON()
	if err != nil {
		return nil, err
	}
	if _, err := bert.Load(cfg, st); err != nil {
		return nil, fmt.Errorf("pretrain: the exported encoder does not load: %w", err)
	}
	return []namedFile{{"config.json", cfg}, {"model.safetensors", st}, {"vocab.txt", vocab}}, nil
}

// decoderTextlab is the browser's int8 decoder.
func (c *Checkpoint) decoderTextlab(tokBin []byte) ([]namedFile, error) {
	m, err := c.Decoder()
	if err != nil {
		return nil, err
	}
	tied := &m.Weights.Classifier[0] == &m.Weights.TokenEmbedding[0]
	m.Quantize()
	var buf bytes.Buffer
	if err := m.WriteSafetensors(&buf); err != nil {
		return nil, err
	}
	isTable := func(name string) bool { return name == "tok_embeddings.weight" || name == "output.weight" }
	var drop []string
	if tied {
		drop = []string{"output.weight"}
	}
	st, err := int8Tables(buf.Bytes(), isTable, drop)
	if err != nil {
		return nil, err
	}
	cfg, err := m.ConfigJSON()
	if err != nil {
		return nil, err
	}
	if _, err := decoder.LoadLlama(cfg, st); err != nil {
		return nil, fmt.Errorf("pretrain: the exported decoder does not load: %w", err)
	}
	return []namedFile{{"config.json", cfg}, {"model.safetensors", st}, {"tokenizer.bin", tokBin}}, nil
}

// decoderLlama2c is llama2.c's model.bin and tokenizer.bin.
func (c *Checkpoint) decoderLlama2c(tokBin []byte) ([]namedFile, error) {
	ck, err := c.Llama2c()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := ck.Write(&buf); err != nil {
		return nil, err
	}
	if _, err := llama2c.ParseCheckpoint(buf.Bytes()); err != nil {
		return nil, fmt.Errorf("pretrain: the exported model.bin does not load: %w", err)
	}
	return []namedFile{{"model.bin", buf.Bytes()}, {"tokenizer.bin", tokBin}}, nil
}

// int8Tables rewrites a safetensors file: the float tensors isTable
// selects become int8 "<name>" with a float32 "<name>_scale" per row, the
// tensors named in drop are left out, and the rest is kept as it is.
// Tensors are written in name order, so the same model gives the same
// bytes.
func int8Tables(data []byte, isTable func(string) bool, drop []string) ([]byte, error) {
	f, err := safetensors.Read(data)
	if err != nil {
		return nil, err
	}
	var ts []safetensors.Tensor
	for _, name := range f.Names() {
		t := f.Tensors[name]
		switch {
		case slices.Contains(drop, name):
			continue
		case isTable(name) && t.DType == safetensors.F32:
			if len(t.Shape) != 2 {
				return nil, fmt.Errorf("pretrain: table %q has shape %v, want [rows][cols]", name, t.Shape)
			}
			q := quant.QuantizeMatrix(t.F32, t.Shape[0], t.Shape[1])
			ts = append(ts,
				safetensors.Tensor{Name: name, Shape: t.Shape, DType: safetensors.I8, I8: q.Data},
				safetensors.Tensor{Name: name + "_scale", Shape: []int{t.Shape[0]}, DType: safetensors.F32, F32: q.Scales})
		default:
			ts = append(ts, t)
		}
	}
	var out bytes.Buffer
	if err := safetensors.Write(&out, ts, f.Metadata); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// FileSHA256 returns the hex sha256 and the size of a file.
func FileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
