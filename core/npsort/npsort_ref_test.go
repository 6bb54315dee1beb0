//go:build ref && !js

package npsort

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"textlab/internal/reftest"
)

// int64 array read from stdin.
const argsortScript = `
import json, sys
import numpy as np
print(json.dumps([np.argsort(np.array(v, dtype=np.int64)).tolist() for v in json.load(sys.stdin)]))
`

// TestArgsortMatchesNumPy checks Argsort's order, ties included,
// against Debian's NumPy on arrays of every length to 300 and a few longer
// ones, with few distinct keys (many ties), sorted, reversed and equal,
// and on McIlroy's adversarial inputs, where NumPy falls back to heapsort.
func TestArgsortMatchesNumPy(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var cases [][]int
	for n := range 301 {
		v := make([]int, n)
		distinct := 1 + rng.IntN(max(1, n/3)+1)
		for i := range v {
			v[i] = rng.IntN(distinct)
		}
		cases = append(cases, v)
	}
	for _, n := range []int{17, 18, 33, 64, 100, 1000, 5000} {
		up, down, same, pipe := make([]int, n), make([]int, n), make([]int, n), make([]int, n)
		for i := range n {
			up[i], down[i], same[i], pipe[i] = i/3, (n-i)/2, 7, min(i, n-i)
		}
		cases = append(cases, up, down, same, pipe)
	}
	// Inputs that exhaust the quicksort's depth budget (heapsort fallback).
	cases = append(cases, antiQuicksort(300), antiQuicksort(2000))
	in, _ := json.Marshal(cases)
	var want [][]int
	if err := json.Unmarshal(reftest.RunPython(t, argsortScript, in), &want); err != nil {
		t.Fatal(err)
	}
	for i, v := range cases {
		if got := Argsort(v); !slices.Equal(got, want[i]) {
			t.Errorf("case %d (n=%d): Argsort differs from np.argsort\n got %v\nwant %v", i, len(v), got, want[i])
		}
	}
}
