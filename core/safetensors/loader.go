package safetensors

import (
	"fmt"
	"math"
	"slices"
)

// Loader reads a model's tensors from a File by name, checking that each
// has the shape the model's config gives it. It keeps the first error in
// Err, so a model loader can ask for every tensor and check Err once.
type Loader struct {
	// File holds the tensors.
	File *File
	// Prefixes are tried in order, after the bare name, when a name is
	// missing: checkpoints saved from a wrapper model store "bert.x" or
	// "transformer.x" for "x". Nil tries the bare name only.
	Prefixes []string
	// Err is the first error met; once set, Float returns nil.
	Err error
}

// Lookup returns the tensor stored under name or under the first prefixed
// name that exists, with the name it was found under (name itself when it
// is missing).
func (ld *Loader) Lookup(name string) (Tensor, string, bool) {
	if t, ok := ld.File.Tensors[name]; ok {
		return t, name, true
	}
	for _, p := range ld.Prefixes {
		if t, ok := ld.File.Tensors[p+name]; ok {
			return t, p + name, true
		}
	}
	return Tensor{}, name, false
}

// Has reports whether Lookup finds name.
func (ld *Loader) Has(name string) bool {
	_, _, ok := ld.Lookup(name)
	return ok
}

// Float returns the values of the float tensor name, which must have the
// given shape. When the tensor is missing, is not a float tensor or has
// another shape, it sets Err (if not already set) and returns nil.
//
// An int8 tensor is dequantized to float32 transparently when the file
// stores its scales beside it: "<name>" (I8, the given shape) and
// "<name>_scale" (F32, the shape without its last dimension: one scale per
// row of the last dimension, so [rows] for a [rows][cols] matrix), with
// value = q·scale (Textlab's symmetric per-row int8, scale = max|row|/127).
// This is how Textlab stores embedding tables in its int8 models, and the
// same layout as its int8 Linear weights ("<name>.weight" with
// "<name>.weight_scale"), so a model loader reads either without knowing.
// The scales' shape is checked before the float32 values are allocated;
// a missing, misshapen or non-finite scale sets Err.
func (ld *Loader) Float(name string, shape ...int) []float32 {
	if ld.Err != nil {
		return nil
	}
	t, full, ok := ld.Lookup(name)
	switch {
	case !ok:
		ld.Err = fmt.Errorf("tensor %q: missing from the weights", name)
	case t.DType != F32 && t.DType != I8:
		ld.Err = fmt.Errorf("tensor %q: dtype %s, want a float type", full, t.FileDType)
	case !slices.Equal(t.Shape, shape):
		ld.Err = fmt.Errorf("tensor %q: shape %v does not match config (want %v)", full, t.Shape, shape)
	case t.DType == I8:
		return ld.dequantize(t, full)
	default:
		return t.F32
	}
	return nil
}

// dequantize returns q·scale for the int8 tensor t stored as full, with
// its scales in full+"_scale"; it sets Err when they do not fit.
func (ld *Loader) dequantize(t Tensor, full string) []float32 {
	scaleName := full + "_scale"
	s, ok := ld.File.Tensors[scaleName]
	if len(t.Shape) == 0 {
		ld.Err = fmt.Errorf("tensor %q: an int8 scalar cannot be dequantized per row", full)
		return nil
	}
	rowShape := t.Shape[:len(t.Shape)-1]
	cols := t.Shape[len(t.Shape)-1]
	switch {
	case !ok:
		ld.Err = fmt.Errorf("tensor %q: int8 without its scales %q", full, scaleName)
		return nil
	case s.DType != F32 || !slices.Equal(s.Shape, rowShape):
		dt := s.FileDType
		if dt == "" {
			dt = s.DType
		}
		ld.Err = fmt.Errorf("tensor %q: %s shape %v, want F32 %v (one scale per row of %q)", scaleName, dt, s.Shape, rowShape, full)
		return nil
	case len(t.I8) != t.Numel() || len(s.F32)*cols != len(t.I8):
		// Read guarantees both; a File built in memory may not.
		ld.Err = fmt.Errorf("tensor %q: %d int8 values and %d scales for shape %v", full, len(t.I8), len(s.F32), t.Shape)
		return nil
	}
	for r, sc := range s.F32 {
		if !(sc >= 0) || math.IsInf(float64(sc), 1) {
			ld.Err = fmt.Errorf("tensor %q: scale %d is %v, want a finite number ≥ 0", scaleName, r, sc)
			return nil
		}
	}
	out := make([]float32, len(t.I8))
	for r, sc := range s.F32 {
		row := t.I8[r*cols : (r+1)*cols]
		for c, q := range row {
			out[r*cols+c] = float32(q) * sc
		}
	}
	return out
}
