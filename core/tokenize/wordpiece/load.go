package wordpiece

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxLine bounds one line of a vocab.txt.
const maxLine = 1 << 20

// LoadVocab reads a vocab.txt (one token per line; the token on line i has
// id i-1) and returns a tokenizer with opts.
func LoadVocab(r io.Reader, opts Options) (*Tokenizer, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	var vocab []string
	for sc.Scan() {
		tok := strings.TrimRight(sc.Text(), "\r")
		if tok == "" {
			return nil, fmt.Errorf("wordpiece: vocab line %d: empty token", len(vocab)+1)
		}
		vocab = append(vocab, tok)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("wordpiece: vocab line %d: %w", len(vocab)+1, err)
	}
	return New(vocab, nil, opts)
}

// tokenizerJSON is the part of a Hugging Face tokenizer.json that a
// WordPiece tokenizer uses.
type tokenizerJSON struct {
	AddedTokens []struct {
		ID      int    `json:"id"`
		Content string `json:"content"`
		LStrip  bool   `json:"lstrip"`
		RStrip  bool   `json:"rstrip"`
		Special bool   `json:"special"`
	} `json:"added_tokens"`
	Normalizer *struct {
		Type               string `json:"type"`
		CleanText          *bool  `json:"clean_text"`
		HandleChineseChars *bool  `json:"handle_chinese_chars"`
		StripAccents       *bool  `json:"strip_accents"`
		Lowercase          *bool  `json:"lowercase"`
	} `json:"normalizer"`
	PreTokenizer *struct {
		Type string `json:"type"`
	} `json:"pre_tokenizer"`
	PostProcessor *struct {
		Type   string `json:"type"`
		Single []struct {
			SpecialToken *struct {
				ID string `json:"id"`
			} `json:"SpecialToken"`
		} `json:"single"`
		CLS []json.RawMessage `json:"cls"`
		SEP []json.RawMessage `json:"sep"`
	} `json:"post_processor"`
	Padding *struct {
		PadToken string `json:"pad_token"`
	} `json:"padding"`
	Model struct {
		Type                    string         `json:"type"`
		UnkToken                string         `json:"unk_token"`
		ContinuingSubwordPrefix string         `json:"continuing_subword_prefix"`
		MaxInputCharsPerWord    int            `json:"max_input_chars_per_word"`
		Vocab                   map[string]int `json:"vocab"`
	} `json:"model"`
}

// LoadTokenizerJSON reads a Hugging Face tokenizer.json whose model is
// WordPiece, with a BertNormalizer (or none) and a BertPreTokenizer. Its
// normalizer settings, special tokens and added tokens are used; its
// truncation and padding settings are not (see EncodeOptions). Added tokens
// must be part of the model's vocabulary.
func LoadTokenizerJSON(r io.Reader) (*Tokenizer, error) {
	var j tokenizerJSON
	if err := json.NewDecoder(r).Decode(&j); err != nil {
		return nil, fmt.Errorf("wordpiece: tokenizer.json: %w", err)
	}
	if j.Model.Type != "WordPiece" {
		return nil, fmt.Errorf("wordpiece: tokenizer.json: model type %q is not WordPiece", j.Model.Type)
	}
	vocab, err := vocabSlice(j.Model.Vocab)
	if err != nil {
		return nil, fmt.Errorf("wordpiece: tokenizer.json: %w", err)
	}
	opts := Options{
		Prefix:               j.Model.ContinuingSubwordPrefix,
		Unknown:              j.Model.UnkToken,
		MaxInputCharsPerWord: j.Model.MaxInputCharsPerWord,
	}
	if n := j.Normalizer; n == nil {
		opts.KeepCase, opts.Accents, opts.NoChineseSplit, opts.NoClean = true, AccentsKeep, true, true
	} else {
		if n.Type != "BertNormalizer" {
			return nil, fmt.Errorf("wordpiece: tokenizer.json: normalizer %q is not supported (only BertNormalizer)", n.Type)
		}
		isFalse := func(b *bool) bool { return b != nil && !*b }
		opts.NoClean = isFalse(n.CleanText)
		opts.NoChineseSplit = isFalse(n.HandleChineseChars)
		opts.KeepCase = isFalse(n.Lowercase)
		if n.StripAccents != nil {
			opts.Accents = AccentsKeep
			if *n.StripAccents {
				opts.Accents = AccentsStrip
			}
		}
	}
	if p := j.PreTokenizer; p == nil || p.Type != "BertPreTokenizer" {
		typ := "null"
		if p != nil {
			typ = fmt.Sprintf("%q", p.Type)
		}
		return nil, fmt.Errorf("wordpiece: tokenizer.json: pre_tokenizer %s is not supported (only BertPreTokenizer)", typ)
	}
	if p := j.PostProcessor; p != nil {
		switch p.Type {
		case "TemplateProcessing":
			var specials []string
			for _, s := range p.Single {
				if s.SpecialToken != nil {
					specials = append(specials, s.SpecialToken.ID)
				}
			}
			if len(specials) == 2 {
				opts.CLS, opts.SEP = specials[0], specials[1]
			}
		case "BertProcessing":
			opts.CLS, opts.SEP = firstString(p.CLS), firstString(p.SEP)
		}
	}
	if j.Padding != nil {
		opts.Pad = j.Padding.PadToken
	}
	added := []AddedToken{}
	for _, a := range j.AddedTokens {
		added = append(added, AddedToken{Content: a.Content, ID: a.ID, LStrip: a.LStrip, RStrip: a.RStrip})
	}
	t, err := New(vocab, added, opts)
	if err != nil {
		return nil, fmt.Errorf("tokenizer.json: %w", err)
	}
	return t, nil
}

// firstString returns the string at the start of ["[SEP]", 102], or "".
func firstString(pair []json.RawMessage) string {
	var s string
	if len(pair) > 0 && json.Unmarshal(pair[0], &s) == nil {
		return s
	}
	return ""
}

// vocabSlice turns a token -> id map into an id -> token slice; the ids must
// be exactly 0 ... len(m)-1.
func vocabSlice(m map[string]int) ([]string, error) {
	if len(m) == 0 {
		return nil, errors.New("model has no vocabulary")
	}
	vocab := make([]string, len(m))
	for tok, id := range m {
		if id < 0 || id >= len(m) {
			return nil, fmt.Errorf("token %q: id %d is outside 0...%d", tok, id, len(m)-1)
		}
		if vocab[id] != "" {
			return nil, fmt.Errorf("tokens %q and %q share id %d", vocab[id], tok, id)
		}
		if tok == "" {
			return nil, fmt.Errorf("id %d: empty token", id)
		}
		vocab[id] = tok
	}
	return vocab, nil
}
