package llama2c_test

import (
	"fmt"
	"os"

	"textlab/core/llama2c"
)

// ExampleReadTokenizer encodes a sentence with Llama 2's vocabulary as
// run.c does (BOS, dummy-prefix space, merges) and decodes it back.
func ExampleReadTokenizer() {
	f, err := os.Open("../../../shared/reference/llama2c/tokenizer.bin")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	tok, err := llama2c.ReadTokenizer(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	enc, err := tok.Encode("Hello, world!", true)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(enc.IDs)
	fmt.Printf("%q\n", enc.Tokens)
	fmt.Println(enc.Spans)
	fmt.Printf("%q\n", tok.Decode(enc.IDs))
	// Output:
	// [1 15043 29892 3186 29991]
	// ["\n<s>\n" " Hello" "," " world" "!"]
	// [{-1 -1} {0 5} {5 6} {6 12} {12 13}]
	// "Hello, world!"
}

// ExampleReadCheckpoint reads a llama2.c checkpoint and runs one step.
func ExampleReadCheckpoint() {
	f, err := os.Open("../../../shared/reference/llama2c/stories260K.bin")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	ck, err := llama2c.ReadCheckpoint(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v shared classifier: %v\n", ck.Config, ck.Shared)
	m, err := ck.Model()
	if err != nil {
		fmt.Println(err)
		return
	}
	logits := m.Forward(llama2c.BOS, 0)
	fmt.Printf("%d logits, first %.6f\n", len(logits), logits[0])
	// Output:
	// {Dim:64 HiddenDim:172 NLayers:5 NHeads:8 NKVHeads:4 VocabSize:512 SeqLen:512} shared classifier: true
	// 512 logits, first 1.973871
}
