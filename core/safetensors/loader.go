package safetensors

import (
	"fmt"
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
func (ld *Loader) Float(name string, shape ...int) []float32 {
	if ld.Err != nil {
		return nil
	}
	t, full, ok := ld.Lookup(name)
	switch {
	case !ok:
		ld.Err = fmt.Errorf("tensor %q: missing from the weights", name)
	case t.DType != F32:
		ld.Err = fmt.Errorf("tensor %q: dtype %s, want a float type", full, t.FileDType)
	case !slices.Equal(t.Shape, shape):
		ld.Err = fmt.Errorf("tensor %q: shape %v does not match config (want %v)", full, t.Shape, shape)
	default:
		return t.F32
	}
	return nil
}
