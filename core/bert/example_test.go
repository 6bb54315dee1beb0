package bert_test

import (
	"bytes"
	"context"
	"fmt"

	"textlab/core/bert"
)

// A tiny random model stands in for a real checkpoint; with a real one, read
// config.json and model.safetensors and call bert.Load.
func tinyModel() *bert.Model {
	cfg := bert.Config{VocabSize: 20, HiddenSize: 8, NumAttentionHeads: 2, NumHiddenLayers: 2,
		IntermediateSize: 16, MaxPositionEmbeddings: 16}
	m, err := bert.NewRandom(cfg, 1, 0.5)
	if err != nil {
		panic(err)
	}
	return m
}

func ExampleModel_Encode() {
	m := tinyModel()
	// Two sequences of different lengths run as one padded batch.
	inputs := []bert.Input{
		{IDs: []int{2, 7, 8, 9, 3}},
		{IDs: []int{2, 11, 3}},
	}
	rs, err := m.Encode(context.Background(), inputs, bert.Options{Attentions: true}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	r := rs[1]
	fmt.Printf("%d tokens × %d values; CLS and mean-pooled vectors of %d\n", len(r.Hidden), len(r.Hidden[0]), len(r.Mean))
	fmt.Printf("attention: %d layers × %d heads × %d × %d\n", len(r.Attentions), len(r.Attentions[0]), len(r.Attentions[0][0]), len(r.Attentions[0][0][0]))
	var sum float32
	for _, p := range r.Attentions[1][0][0] {
		sum += p
	}
	fmt.Printf("each attention row sums to %.3f\n", sum)
	// Output:
	// 3 tokens × 8 values; CLS and mean-pooled vectors of 8
	// attention: 2 layers × 2 heads × 3 × 3
	// each attention row sums to 1.000
}

func ExampleModel_FillMask() {
	m := tinyModel()
	const maskID = 4
	preds, err := m.FillMask(context.Background(), bert.Input{IDs: []int{2, 9, maskID, 10, 3}}, maskID, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range preds {
		fmt.Println("position", p.Position)
		for _, c := range p.Top {
			fmt.Printf("  id %2d  p=%.2f\n", c.ID, c.Prob)
		}
	}
	// Output:
	// position 2
	//   id 19  p=0.29
	//   id  8  p=0.25
	//   id  7  p=0.12
}

func ExampleModel_Quantize() {
	m := tinyModel()
	in := []bert.Input{{IDs: []int{2, 5, 6, 7, 3}}}
	f32, _ := m.Encode(context.Background(), in, bert.Options{}, nil)
	m.Quantize()
	i8, _ := m.Encode(context.Background(), in, bert.Options{}, nil)
	fmt.Printf("float32 mean[0..2]: %.2f\n", f32[0].Mean[:3])
	fmt.Printf("int8    mean[0..2]: %.2f\n", i8[0].Mean[:3])
	// Saved int8 models store I8 weights and F32 scales.
	var buf bytes.Buffer
	if err := m.WriteSafetensors(&buf); err != nil {
		fmt.Println(err)
	}
	fmt.Println("quantization:", m.Config.Quantization)
	// Output:
	// float32 mean[0..2]: [-0.30 2.93 1.02]
	// int8    mean[0..2]: [-0.30 2.93 1.02]
	// quantization: int8
}
