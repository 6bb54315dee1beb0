package sample

import (
	"fmt"
	"math"
	"testing"
)

// TestRNG checks the generator's first draws against values computed with
// Python's unbounded integers from run.c's random_u32 (xorshift64*: shifts
// 12, 25, 27, multiplier 0x2545F4914F6CDD1D, high 32 bits kept).
func TestRNG(t *testing.T) {
	tests := []struct {
		seed uint64
		want []uint32
	}{
		{1, []uint32{1206177355, 2882512552, 3117485455, 1303648416}},
		{42, []uint32{1456360119, 3359763283, 3393612768, 4054632243}},
	}
	for _, tt := range tests {
		r := NewRNG(tt.seed)
		for i, w := range tt.want {
			if got := r.Uint32(); got != w {
				t.Errorf("seed %d draw %d: %d, want %d", tt.seed, i, got, w)
			}
		}
	}
	r := NewRNG(7)
	for i := 0; i < 10000; i++ {
		if f := r.Float32(); f < 0 || f >= 1 {
			t.Fatalf("Float32 = %v outside [0, 1)", f)
		}
	}
}

func TestRunCGreedy(t *testing.T) {
	tests := []struct {
		logits []float32
		want   int
	}{
		{[]float32{1, 3, 2}, 1},
		{[]float32{5, 5, 1}, 0}, // first maximum, as run.c's argmax
		{[]float32{-1}, 0},
		{nil, -1},
	}
	for _, tt := range tests {
		if got := NewRunC(0, 0.9, 1).Sample(tt.logits); got != tt.want {
			t.Errorf("greedy %v = %d, want %d", tt.logits, got, tt.want)
		}
	}
}

// frequencies samples n times and returns how often each id came out.
func frequencies(sample func([]float32) int, logits []float32, n int) []float64 {
	f := make([]float64, len(logits))
	for range n {
		f[sample(logits)] += 1 / float64(n)
	}
	return f
}

func TestRunCDistributions(t *testing.T) {
	logits := []float32{float32(math.Log(0.5)), float32(math.Log(0.3)), float32(math.Log(0.15)), float32(math.Log(0.05))}
	tests := []struct {
		name       string
		temp, topp float32
		want       []float64
	}{
		{"multinomial", 1, 1, []float64{0.5, 0.3, 0.15, 0.05}},
		// top-p 0.7: 0.5 + 0.3 > 0.7 keeps {0, 1}, renormalised.
		{"top-p 0.7", 1, 0.7, []float64{0.625, 0.375, 0, 0}},
		// top-p 0.4: 0.5 > 0.4 keeps only id 0.
		{"top-p 0.4", 1, 0.4, []float64{1, 0, 0, 0}},
	}
	for _, tt := range tests {
		got := frequencies(NewRunC(tt.temp, tt.topp, 99).Sample, logits, 20000)
		for i := range got {
			if math.Abs(got[i]-tt.want[i]) > 0.015 {
				t.Errorf("%s: frequencies %.3f, want %v", tt.name, got, tt.want)
				break
			}
		}
	}
}

func TestRunCSingleToken(t *testing.T) {
	if got := NewRunC(1, 0.9, 3).Sample([]float32{2}); got != 0 {
		t.Errorf("one logit: %d, want 0", got)
	}
}

func TestSamplerStages(t *testing.T) {
	logits := []float32{float32(math.Log(0.1)), float32(math.Log(0.4)), float32(math.Log(0.2)), float32(math.Log(0.3))}
	tests := []struct {
		name   string
		cfg    Config
		stages []string
		kept   []int // ids surviving the last stage, most likely first
	}{
		{"greedy", Config{}, []string{"softmax", "greedy"}, []int{1}},
		{"temperature only", Config{Temperature: 1}, []string{"softmax"}, []int{1, 3, 2, 0}},
		{"top-k 2", Config{Temperature: 1, TopK: 2}, []string{"softmax", "top-k", "renormalised"}, []int{1, 3}},
		{"top-p 0.6", Config{Temperature: 1, TopP: 0.6}, []string{"softmax", "top-p", "renormalised"}, []int{1, 3}},
		{"top-p 0.75", Config{Temperature: 1, TopP: 0.75}, []string{"softmax", "top-p", "renormalised"}, []int{1, 3, 2}},
		// top-k first: of {1, 3, 2} (0.4, 0.3, 0.2) top-p 0.5 of 0.9 keeps {1, 3}.
		{"top-k 3 then top-p 0.5", Config{Temperature: 1, TopK: 3, TopP: 0.5}, []string{"softmax", "top-k", "top-p", "renormalised"}, []int{1, 3}},
	}
	for _, tt := range tests {
		st := New(tt.cfg).Step(logits)
		var names []string
		for _, s := range st.Stages {
			names = append(names, s.Name)
		}
		if fmt.Sprint(names) != fmt.Sprint(tt.stages) {
			t.Errorf("%s: stages %v, want %v", tt.name, names, tt.stages)
			continue
		}
		last := st.Stages[len(st.Stages)-1]
		if fmt.Sprint(last.Kept) != fmt.Sprint(tt.kept) {
			t.Errorf("%s: kept %v, want %v", tt.name, last.Kept, tt.kept)
		}
		var sum float64
		for _, p := range last.Probs {
			sum += float64(p)
		}
		if math.Abs(sum-1) > 1e-6 {
			t.Errorf("%s: last stage sums to %v", tt.name, sum)
		}
		found := false
		for _, id := range tt.kept {
			found = found || id == st.Chosen
		}
		if !found {
			t.Errorf("%s: chose %d, not among %v", tt.name, st.Chosen, tt.kept)
		}
	}
}

func TestSamplerTemperatureAndSeed(t *testing.T) {
	logits := []float32{0, 1, 2}
	cold := New(Config{Temperature: 0.5}).Step(logits).Stages[0].Probs
	hot := New(Config{Temperature: 2}).Step(logits).Stages[0].Probs
	if !(cold[2] > hot[2] && cold[0] < hot[0]) {
		t.Errorf("temperature 0.5 gives %v, 2 gives %v: low temperature should sharpen", cold, hot)
	}
	a, b := New(Config{Temperature: 1, Seed: 5}), New(Config{Temperature: 1, Seed: 5})
	c := New(Config{Temperature: 1, Seed: 6})
	differ := false
	for range 50 {
		x, y, z := a.Sample(logits), b.Sample(logits), c.Sample(logits)
		if x != y {
			t.Fatal("same seed, different tokens")
		}
		differ = differ || x != z
	}
	if !differ {
		t.Error("seeds 5 and 6 drew the same 50 tokens")
	}
	f := frequencies(New(Config{Temperature: 1, Seed: 3}).Sample, []float32{0, float32(math.Log(3))}, 20000)
	if math.Abs(f[1]-0.75) > 0.015 {
		t.Errorf("frequencies %v, want [0.25 0.75]", f)
	}
}

func TestSamplerDegenerate(t *testing.T) {
	if got := New(Config{Temperature: 1}).Step(nil).Chosen; got != -1 {
		t.Errorf("empty logits: %d, want -1", got)
	}
	nan := float32(math.NaN())
	if got := New(Config{Temperature: 1}).Sample([]float32{nan, nan}); got != 0 {
		t.Errorf("NaN logits: %d, want 0", got)
	}
}

// ExampleRunC draws with run.c's sampler: the same seed and settings give
// run.c's tokens.
func ExampleRunC() {
	logits := []float32{1.0, 2.0, 0.5, 1.5}
	greedy := NewRunC(0, 0.9, 42)
	nucleus := NewRunC(1.0, 0.9, 42)
	fmt.Println(greedy.Sample(logits), nucleus.Sample(logits), nucleus.Sample(logits))
	// Output: 1 1 0
}

// ExampleSampler_Step shows how temperature, top-k and top-p reshape the
// next-token distribution.
func ExampleSampler_Step() {
	logits := []float32{1.0, 2.0, 0.5, 1.5}
	st := New(Config{Temperature: 0.8, TopK: 3, TopP: 0.8, Seed: 42}).Step(logits)
	for _, s := range st.Stages {
		fmt.Printf("%-12s %.3f kept %v\n", s.Name, s.Probs, s.Kept)
	}
	fmt.Println("chosen", st.Chosen)
	// Output:
	// softmax      [0.145 0.506 0.078 0.271] kept [1 3 0 2]
	// top-k        [0.145 0.506 0.000 0.271] kept [1 3 0]
	// top-p        [0.000 0.506 0.000 0.271] kept [1 3]
	// renormalised [0.000 0.651 0.000 0.349] kept [1 3]
	// chosen 1
}
