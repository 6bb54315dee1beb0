package bpe

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// maxLine bounds one line of a merges file.
const maxLine = 1 << 20

// Load reads GPT-2's encoder.json (vocab.json: token -> id) and vocab.bpe
// (merges.txt) and returns a tokenizer with opts.
func Load(vocabJSON, merges io.Reader, opts Options) (*Tokenizer, error) {
	var vocab map[string]int
	if err := json.NewDecoder(vocabJSON).Decode(&vocab); err != nil {
		return nil, fmt.Errorf("bpe: vocab.json: %w", err)
	}
	m, err := LoadMerges(merges)
	if err != nil {
		return nil, err
	}
	return New(vocab, m, opts)
}

// LoadMerges reads a merges file: one merge per line, its two symbols
// separated by one space, highest priority first. A first line starting
// with "#version" and empty lines are skipped.
func LoadMerges(r io.Reader) ([]Pair, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	var merges []Pair
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimRight(sc.Text(), "\r")
		if s == "" || line == 1 && strings.HasPrefix(s, "#version") {
			continue
		}
		p, err := parseMerge(s)
		if err != nil {
			return nil, fmt.Errorf("bpe: merges line %d: %w", line, err)
		}
		merges = append(merges, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("bpe: merges: %w", err)
	}
	return merges, nil
}

func parseMerge(s string) (Pair, error) {
	a, b, ok := strings.Cut(s, " ")
	if !ok || a == "" || b == "" || strings.Contains(b, " ") {
		return Pair{}, fmt.Errorf("%q is not two symbols separated by a space", s)
	}
	return Pair{a, b}, nil
}

// LoadTokenizerJSON reads a Hugging Face tokenizer.json whose model is BPE
// with a ByteLevel pre-tokenizer (GPT-2, RoBERTa). Merges may be "a b"
// strings or ["a", "b"] pairs. Added tokens are not matched in the text
// (so "<|endoftext|>" in a text is tokenized as characters), and dropout is
// ignored.
func LoadTokenizerJSON(r io.Reader) (*Tokenizer, error) {
	var j struct {
		Normalizer *struct {
			Type string `json:"type"`
		} `json:"normalizer"`
		PreTokenizer *struct {
			Type           string `json:"type"`
			AddPrefixSpace bool   `json:"add_prefix_space"`
			UseRegex       *bool  `json:"use_regex"`
		} `json:"pre_tokenizer"`
		Model struct {
			Type                    string            `json:"type"`
			Vocab                   map[string]int    `json:"vocab"`
			Merges                  []json.RawMessage `json:"merges"`
			UnkToken                *string           `json:"unk_token"`
			ContinuingSubwordPrefix *string           `json:"continuing_subword_prefix"`
			EndOfWordSuffix         *string           `json:"end_of_word_suffix"`
		} `json:"model"`
	}
	if err := json.NewDecoder(r).Decode(&j); err != nil {
		return nil, fmt.Errorf("bpe: tokenizer.json: %w", err)
	}
	m := j.Model
	if m.Type != "BPE" {
		return nil, fmt.Errorf("bpe: tokenizer.json: model type %q is not BPE", m.Type)
	}
	if j.Normalizer != nil {
		return nil, fmt.Errorf("bpe: tokenizer.json: normalizer %q is not supported", j.Normalizer.Type)
	}
	p := j.PreTokenizer
	if p == nil || p.Type != "ByteLevel" || p.UseRegex != nil && !*p.UseRegex {
		return nil, fmt.Errorf("bpe: tokenizer.json: only a ByteLevel pre-tokenizer (with use_regex) is supported")
	}
	if m.ContinuingSubwordPrefix != nil && *m.ContinuingSubwordPrefix != "" || m.EndOfWordSuffix != nil && *m.EndOfWordSuffix != "" {
		return nil, fmt.Errorf("bpe: tokenizer.json: continuing_subword_prefix and end_of_word_suffix are not supported")
	}
	merges := make([]Pair, 0, len(m.Merges))
	for i, raw := range m.Merges {
		var s string
		var pair []string
		var err error
		switch {
		case json.Unmarshal(raw, &s) == nil:
			var p Pair
			p, err = parseMerge(s)
			merges = append(merges, p)
		case json.Unmarshal(raw, &pair) == nil && len(pair) == 2 && pair[0] != "" && pair[1] != "":
			merges = append(merges, Pair{pair[0], pair[1]})
		default:
			err = fmt.Errorf("%s is neither \"a b\" nor [\"a\", \"b\"]", raw)
		}
		if err != nil {
			return nil, fmt.Errorf("bpe: tokenizer.json: merge %d: %w", i+1, err)
		}
	}
	opts := Options{AddPrefixSpace: p.AddPrefixSpace}
	if m.UnkToken != nil {
		opts.Unknown = *m.UnkToken
	}
	return New(m.Vocab, merges, opts)
}
