package bert

import (
	"encoding/json"
	"fmt"
)

// Config holds the hyper-parameters of a BERT model, read from a Hugging
// Face config.json. The zero value of every field means its bert-base value.
type Config struct {
	VocabSize             int     `json:"vocab_size"`              // tokens in the vocabulary; 0 means 30522
	HiddenSize            int     `json:"hidden_size"`             // width of every hidden state; 0 means 768
	NumHiddenLayers       int     `json:"num_hidden_layers"`       // encoder layers; 0 means 12
	NumAttentionHeads     int     `json:"num_attention_heads"`     // heads per layer; 0 means 12
	IntermediateSize      int     `json:"intermediate_size"`       // feed-forward width; 0 means 3072
	MaxPositionEmbeddings int     `json:"max_position_embeddings"` // longest input; 0 means 512
	TypeVocabSize         int     `json:"type_vocab_size"`         // segment ids; 0 means 2
	LayerNormEps          float64 `json:"layer_norm_eps"`          // LayerNorm epsilon; 0 means 1e-12
	HiddenAct             string  `json:"hidden_act"`              // activation; "" means "gelu" (erf), the only one supported
	// Quantization is Textlab's own field: "int8" when the encoder's
	// Linear layers are stored as int8 weights with float32 scales, ""
	// for float32. Hugging Face ignores it.
	Quantization string `json:"textlab_quantization,omitempty"`
}

// Limits on what a config may ask for, so that a hostile config.json cannot
// make a random model allocate without bound (loaded weights are checked
// against the file itself).
const (
	maxDim    = 1 << 16
	maxLayers = 256
)

// WithDefaults returns c with every zero field set to its bert-base value.
func (c Config) WithDefaults() Config {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.VocabSize, 30522)
	def(&c.HiddenSize, 768)
	def(&c.NumHiddenLayers, 12)
	def(&c.NumAttentionHeads, 12)
	def(&c.IntermediateSize, 3072)
	def(&c.MaxPositionEmbeddings, 512)
	def(&c.TypeVocabSize, 2)
	if c.LayerNormEps == 0 {
		c.LayerNormEps = 1e-12
	}
	if c.HiddenAct == "" {
		c.HiddenAct = "gelu"
	}
	return c
}

// Validate reports the first field of c (after defaults) that Textlab
// cannot run.
func (c Config) Validate() error {
	c = c.WithDefaults()
	for _, f := range []struct {
		name string
		v    int
		max  int
	}{
		{"vocab_size", c.VocabSize, 1 << 22},
		{"hidden_size", c.HiddenSize, maxDim},
		{"num_hidden_layers", c.NumHiddenLayers, maxLayers},
		{"num_attention_heads", c.NumAttentionHeads, maxDim},
		{"intermediate_size", c.IntermediateSize, maxDim},
		{"max_position_embeddings", c.MaxPositionEmbeddings, maxDim},
		{"type_vocab_size", c.TypeVocabSize, maxDim},
	} {
		if f.v < 1 || f.v > f.max {
			return fmt.Errorf("config: %s = %d, want 1 to %d", f.name, f.v, f.max)
		}
	}
	if c.HiddenSize%c.NumAttentionHeads != 0 {
		return fmt.Errorf("config: hidden_size %d is not divisible by num_attention_heads %d", c.HiddenSize, c.NumAttentionHeads)
	}
	if !(c.LayerNormEps > 0 && c.LayerNormEps < 1) {
		return fmt.Errorf("config: layer_norm_eps = %g, want a small positive number", c.LayerNormEps)
	}
	if c.HiddenAct != "gelu" {
		return fmt.Errorf("config: hidden_act %q is not supported (want \"gelu\")", c.HiddenAct)
	}
	if c.Quantization != "" && c.Quantization != "int8" {
		return fmt.Errorf("config: textlab_quantization %q is not supported (want \"\" or \"int8\")", c.Quantization)
	}
	return nil
}

// ParseConfig reads a Hugging Face config.json, fills in defaults and
// validates the result.
func ParseConfig(data []byte) (Config, error) {
	var c Config
	if err := json.Unmarshal(data, &c); err != nil {
		return Config{}, fmt.Errorf("config: %v", err)
	}
	c = c.WithDefaults()
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// JSON returns c as a config.json that Hugging Face's BertConfig reads.
func (c Config) JSON() ([]byte, error) {
	type hf struct {
		Architectures []string `json:"architectures"`
		ModelType     string   `json:"model_type"`
		Config
	}
	return json.MarshalIndent(hf{[]string{"BertForMaskedLM"}, "bert", c.WithDefaults()}, "", "  ")
}
