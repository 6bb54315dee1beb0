package train_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"

	"textlab/core/decoder"
	"textlab/core/llama2c"
	"textlab/core/train"
)

// Pretrain a tiny decoder on one sequence until it knows it by heart, then
// hand it to core/decoder as a llama2.c checkpoint.
func Example() {
	model, err := train.NewLlama(train.LlamaConfig{LlamaConfig: decoder.LlamaConfig{
		Dim: 16, HiddenDim: 32, NLayers: 2, NHeads: 4, NKVHeads: 2, VocabSize: 20, SeqLen: 16}}, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	batch, _ := train.NewBatch([][]int{{1, 7, 4, 9, 12, 4, 9, 15, 2}}, 0)
	batch.SetNextTokenTargets() // each token predicts the next
	trainer := &train.Trainer{
		Model:    model,
		Schedule: train.Schedule{PeakLR: 0.03, WarmupSteps: 5, TotalSteps: 60, MinLR: 0.003},
		ClipNorm: 1,
	}
	for step := 0; step < 60; step++ {
		res, err := trainer.Step(batch)
		if err != nil {
			fmt.Println(err)
			return
		}
		if step == 0 {
			fmt.Printf("step 0: loss %.2f (a uniform guess over 20 tokens: 3.00)\n", res.Loss)
		}
		if step == 59 {
			fmt.Printf("step 59: loss below 0.1: %v\n", res.Loss < 0.1)
		}
	}
	// Greedy continuation of 1 7 4 by core/decoder, from the checkpoint.
	var file bytes.Buffer
	if err := model.Checkpoint().Write(&file); err != nil {
		fmt.Println(err)
		return
	}
	llama, err := llama2c.LoadModel(file.Bytes())
	if err != nil {
		fmt.Println(err)
		return
	}
	tokens := []int{1, 7, 4}
	for pos := 0; len(tokens) < 9; pos++ {
		logits := llama.Forward(tokens[pos], pos)
		if pos+1 < len(tokens) {
			continue
		}
		best := 0
		for id, v := range logits {
			if v > logits[best] {
				best = id
			}
		}
		tokens = append(tokens, best)
	}
	fmt.Println("continuation:", tokens)
	// Output:
	// step 0: loss 3.05 (a uniform guess over 20 tokens: 3.00)
	// step 59: loss below 0.1: true
	// continuation: [1 7 4 9 12 4 9 15 2]
}

// BERT's masking of one sequence: which tokens were chosen and what the
// model sees instead. The page shows the same table.
func ExampleMaskTokens() {
	// "[CLS] the cat sat on the mat because it was warm [SEP]" and
	// "[CLS] hello [SEP]", padded to 12 with [PAD] (0).
	batch, _ := train.NewBatch([][]int{{1, 10, 11, 12, 13, 10, 14, 15, 16, 17, 18, 2}, {1, 19, 2}}, 0)
	choices, err := train.MaskTokens(batch, train.MaskConfig{MaskID: 3, Vocab: 30, Special: []int{0, 1, 2, 3}, Prob: 0.4},
		rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range choices {
		fmt.Printf("sequence %d position %d: %d -> %d (%v)\n", c.Seq, c.Pos, c.Original, c.Input, c.Action)
	}
	fmt.Println("inputs: ", batch.IDs[:12])
	fmt.Println("targets:", batch.Targets[:12])
	// Output:
	// sequence 0 position 2: 11 -> 7 (random)
	// sequence 0 position 5: 10 -> 3 (masked)
	// sequence 0 position 6: 14 -> 3 (masked)
	// sequence 0 position 9: 17 -> 3 (masked)
	// sequence 1 position 1: 19 -> 19 (kept)
	// inputs:  [1 10 7 12 13 3 3 15 16 3 18 2]
	// targets: [-1 -1 11 -1 -1 10 14 -1 -1 17 -1 -1]
}
