package tokentrain_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"textlab/core/llama2c"
	"textlab/core/tokentrain"
)

// Train a tiny WordPiece vocabulary: five special tokens, the alphabet,
// and the most frequent merges.
func ExampleTrainWordPiece() {
	var c tokentrain.Counter // splits with SplitBERT
	c.Add("The cat sat on the mat. The cats sat on the mats!")
	vocab, err := tokentrain.TrainWordPiece(context.Background(), c.Words(), tokentrain.WordPieceConfig{
		VocabSize: 30,
		Alphabet:  "a", // no characters beyond the corpus's own
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Join(vocab, " "))
	// Output:
	// [PAD] [UNK] [CLS] [SEP] [MASK] ! . a c e h m n o s t ##a ##c ##e ##h ##m ##n ##o ##s ##t ##at ##he the ##ats on
}

// Train a tiny BPE vocabulary for a Llama-style decoder (3 special
// tokens, 256 byte tokens, 10 merges and 10 characters), write it as
// llama2.c's tokenizer.bin, and encode with run.c's algorithm.
func ExampleTrainLlama() {
	c := tokentrain.Counter{Split: tokentrain.SplitLlama}
	for range 3 {
		c.Add("the cat sat on the mat")
	}
	v, err := tokentrain.TrainLlama(context.Background(), c.Words(), tokentrain.LlamaConfig{
		VocabSize: tokentrain.LlamaFirstPiece + 20,
		Alphabet:  " ",
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("learned: %q\n", v.Pieces[tokentrain.LlamaFirstPiece:tokentrain.LlamaFirstPiece+v.Merges])
	var bin bytes.Buffer
	if _, err := v.WriteTo(&bin); err != nil {
		fmt.Println(err)
		return
	}
	tok, err := llama2c.ReadTokenizer(&bin)
	if err != nil {
		fmt.Println(err)
		return
	}
	enc, _ := tok.Encode("the cats", true)
	fmt.Printf("%q\n", enc.Tokens)
	fmt.Println(tok.Decode(enc.IDs))
	// Output:
	// learned: ["at" " t" " th" " the" " c" " cat" " m" " mat" " o" " on"]
	// ["<s>" " the" " cat" "s"]
	// the cats
}
