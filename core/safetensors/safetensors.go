// Package safetensors reads and writes the safetensors format that Hugging
// Face checkpoints use: an 8-byte little-endian header length, a JSON header
// mapping each tensor name to its dtype, shape and byte range, then the raw
// little-endian tensor data.
//
// Reading is bounds-checked throughout: the header length is checked against
// the file size, every byte range must lie inside the data, match its shape
// and dtype, and not overlap another tensor, so a damaged or hostile file
// gives an error naming the tensor instead of a panic or a huge allocation.
// F16 and BF16 tensors are converted to float32 on load; I8 tensors stay int8.
package safetensors

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
)

// DType names a tensor element type as the safetensors header spells it.
type DType string

// The element types Textlab reads. F32, F16 and BF16 load as float32; I8
// loads as int8.
const (
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
	I8   DType = "I8"
)

// Size returns the number of bytes of one element, or 0 for an unknown dtype.
func (d DType) Size() int {
	switch d {
	case F32:
		return 4
	case F16, BF16:
		return 2
	case I8:
		return 1
	}
	return 0
}

// MaxHeaderSize is the largest JSON header Read accepts (100 MB, as the
// reference implementation limits it).
const MaxHeaderSize = 100 << 20

// Tensor is one named tensor. Float tensors (F32, F16 or BF16 in the file)
// hold their values in F32 and have DType F32; int8 tensors hold them in I8
// and have DType I8.
type Tensor struct {
	Name  string
	Shape []int
	// DType is the element type: F32 or I8 in memory. When writing, a
	// tensor with DType I8 is written from I8, anything else from F32 as F32.
	DType DType
	// FileDType is the dtype the tensor had in the file it was read from
	// (F16 and BF16 are converted to float32 on load); empty when built in memory.
	FileDType DType
	F32       []float32 // values of a float tensor
	I8        []int8    // values of an int8 tensor
}

// Numel returns the number of elements of the tensor's shape.
func (t Tensor) Numel() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// File is the content of a safetensors file.
type File struct {
	// Metadata is the optional string map stored under "__metadata__".
	Metadata map[string]string
	// Tensors maps each tensor name to the tensor.
	Tensors map[string]Tensor
}

// Names returns the tensor names in sorted order.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Tensors))
	for n := range f.Tensors {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

type headerEntry struct {
	DType       DType    `json:"dtype"`
	Shape       []int64  `json:"shape"`
	DataOffsets []uint64 `json:"data_offsets"`
}

// Read parses a whole safetensors file held in memory.
func Read(data []byte) (*File, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("safetensors: file of %d bytes is shorter than the 8-byte header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data[:8])
	if n > MaxHeaderSize {
		return nil, fmt.Errorf("safetensors: header length %d exceeds the limit of %d bytes", n, MaxHeaderSize)
	}
	if n > uint64(len(data)-8) {
		return nil, fmt.Errorf("safetensors: header length %d exceeds the %d bytes after the length field", n, len(data)-8)
	}
	header := data[8 : 8+n]
	body := data[8+n:]
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(header, &raw); err != nil {
		return nil, fmt.Errorf("safetensors: header is not a JSON object: %v", err)
	}
	f := &File{Tensors: make(map[string]Tensor, len(raw))}
	type span struct {
		name       string
		begin, end uint64
	}
	spans := make([]span, 0, len(raw))
	for name, msg := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(msg, &f.Metadata); err != nil {
				return nil, fmt.Errorf("safetensors: __metadata__ is not a map of strings: %v", err)
			}
			continue
		}
		var e headerEntry
		if err := json.Unmarshal(msg, &e); err != nil {
			return nil, fmt.Errorf("safetensors: tensor %q: bad header entry: %v", name, err)
		}
		size := e.DType.Size()
		if size == 0 {
			return nil, fmt.Errorf("safetensors: tensor %q: unsupported dtype %q (want F32, F16, BF16 or I8)", name, e.DType)
		}
		if len(e.DataOffsets) != 2 {
			return nil, fmt.Errorf("safetensors: tensor %q: data_offsets has %d values, want 2", name, len(e.DataOffsets))
		}
		begin, end := e.DataOffsets[0], e.DataOffsets[1]
		if begin > end || end > uint64(len(body)) {
			return nil, fmt.Errorf("safetensors: tensor %q: data_offsets [%d %d] outside the %d data bytes", name, begin, end, len(body))
		}
		// The element count is bounded by the byte range, which is bounded
		// by the file, so nothing below allocates more than the file holds.
		shape := make([]int, len(e.Shape))
		for i, d := range e.Shape {
			if d < 0 {
				return nil, fmt.Errorf("safetensors: tensor %q: negative dimension in shape %v", name, e.Shape)
			}
			shape[i] = int(d)
		}
		// A shape with a 0 is empty, however long its other dimensions.
		numel := uint64(0)
		if !slices.Contains(e.Shape, 0) {
			numel = 1
			for _, d := range e.Shape {
				if numel > uint64(len(body))/uint64(d) {
					return nil, fmt.Errorf("safetensors: tensor %q: shape %v is larger than the file", name, e.Shape)
				}
				numel *= uint64(d)
			}
		}
		if numel*uint64(size) != end-begin {
			return nil, fmt.Errorf("safetensors: tensor %q: shape %v of %s needs %d bytes, data_offsets [%d %d] give %d",
				name, e.Shape, e.DType, numel*uint64(size), begin, end, end-begin)
		}
		t := Tensor{Name: name, Shape: shape, FileDType: e.DType}
		decode(&t, body[begin:end], e.DType)
		f.Tensors[name] = t
		spans = append(spans, span{name, begin, end})
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].begin != spans[j].begin {
			return spans[i].begin < spans[j].begin
		}
		return spans[i].name < spans[j].name
	})
	for i := 1; i < len(spans); i++ {
		if spans[i].begin < spans[i-1].end {
			return nil, fmt.Errorf("safetensors: tensors %q and %q overlap in the data", spans[i-1].name, spans[i].name)
		}
	}
	return f, nil
}

// decode converts the little-endian bytes b of dtype d into t's values.
func decode(t *Tensor, b []byte, d DType) {
	switch d {
	case I8:
		t.DType = I8
		t.I8 = make([]int8, len(b))
		for i, v := range b {
			t.I8[i] = int8(v)
		}
	case F32:
		t.DType = F32
		t.F32 = make([]float32, len(b)/4)
		for i := range t.F32 {
			t.F32[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
	case F16:
		t.DType = F32
		t.F32 = make([]float32, len(b)/2)
		for i := range t.F32 {
			t.F32[i] = HalfToFloat32(binary.LittleEndian.Uint16(b[2*i:]))
		}
	case BF16:
		t.DType = F32
		t.F32 = make([]float32, len(b)/2)
		for i := range t.F32 {
			t.F32[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(b[2*i:])) << 16)
		}
	}
}

// HalfToFloat32 converts an IEEE 754 binary16 value to float32 exactly,
// including subnormals, infinities and NaN.
func HalfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0xff<<23 | mant<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	case mant == 0: // signed zero
		return math.Float32frombits(sign)
	}
	// Subnormal: value = mant · 2^-24.
	v := float32(mant) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}

// Write writes tensors (in the given order) and optional metadata as a
// safetensors file. Tensor names must be unique and not "__metadata__", and
// each tensor's values must match its shape.
func Write(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	header := make(map[string]any, len(tensors)+1)
	if len(metadata) > 0 {
		header["__metadata__"] = metadata
	}
	var offset uint64
	for _, t := range tensors {
		if t.Name == "__metadata__" {
			return errors.New("safetensors: a tensor cannot be named __metadata__")
		}
		if _, dup := header[t.Name]; dup {
			return fmt.Errorf("safetensors: tensor %q written twice", t.Name)
		}
		dt, n := F32, len(t.F32)
		if t.DType == I8 {
			dt, n = I8, len(t.I8)
		}
		if n != t.Numel() {
			return fmt.Errorf("safetensors: tensor %q: %d values for shape %v", t.Name, n, t.Shape)
		}
		size := uint64(n * dt.Size())
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		header[t.Name] = map[string]any{"dtype": dt, "shape": shape, "data_offsets": []uint64{offset, offset + size}}
		offset += size
	}
	hb, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("safetensors: %v", err)
	}
	// Pad the header with spaces so the data starts 8-byte aligned.
	for (len(hb)+8)%8 != 0 {
		hb = append(hb, ' ')
	}
	buf := make([]byte, 8, 8+len(hb))
	binary.LittleEndian.PutUint64(buf, uint64(len(hb)))
	buf = append(buf, hb...)
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("safetensors: %v", err)
	}
	for _, t := range tensors {
		var b []byte
		if t.DType == I8 {
			b = make([]byte, len(t.I8))
			for i, v := range t.I8 {
				b[i] = byte(v)
			}
		} else {
			b = make([]byte, 4*len(t.F32))
			for i, v := range t.F32 {
				binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
			}
		}
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("safetensors: tensor %q: %v", t.Name, err)
		}
	}
	return nil
}
