package pretrain

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"textlab/core/train"
)

// Stream is a corpus as one sequence of token ids (each below 65,536):
// every line of the text, tokenized, after the ids that separate
// documents (an encoder's [SEP] between lines, a decoder's BOS before each).
type Stream []uint16

// Tokenize reads text one document per line and returns its stream. encode
// turns a line into ids (without special tokens); sep is put before every
// line but the first (encoder) or before every line (decoder, with first
// set). progress, which may be nil, gets the share of bytes read.
func Tokenize(ctx context.Context, r io.Reader, size int64, encode func(string) ([]int, error), sep []int, sepFirst bool, progress func(float64)) (Stream, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var s Stream
	var read int64
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		read += int64(len(text)) + 1
		if line%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil && size > 0 {
				progress(float64(read) / float64(size))
			}
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		ids, err := encode(text)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if len(s) > 0 || sepFirst {
			for _, id := range sep {
				s = append(s, uint16(id))
			}
		}
		for _, id := range ids {
			if id < 0 || id > 0xffff {
				return nil, fmt.Errorf("line %d: token id %d does not fit a stream", line, id)
			}
			s = append(s, uint16(id))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// WriteTo writes the stream as little-endian uint16 values.
func (s Stream) WriteTo(w io.Writer) (int64, error) {
	buf := make([]byte, 2*len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint16(buf[2*i:], v)
	}
	n, err := w.Write(buf)
	return int64(n), err
}

// ReadStream reads a stream written by WriteTo.
func ReadStream(data []byte) (Stream, error) {
	if len(data)%2 != 0 {
		return nil, fmt.Errorf("pretrain: a token stream has an even number of bytes, not %d", len(data))
	}
	s := make(Stream, len(data)/2)
	for i := range s {
		s[i] = binary.LittleEndian.Uint16(data[2*i:])
	}
	return s, nil
}

// Windows cuts a stream into the training sequences of a run: a decoder's
// are consecutive SeqLen-token slices; an encoder's are consecutive
// SeqLen-2-token slices between [CLS] and [SEP].
type Windows struct {
	Stream Stream
	Config Config
}

// width is the stream tokens in one window.
func (w Windows) width() int {
	if w.Config.Kind == Encoder {
		return w.Config.SeqLen - 2
	}
	return w.Config.SeqLen
}

// Len returns the number of windows.
func (w Windows) Len() int { return len(w.Stream) / w.width() }

// Window returns window i as token ids.
func (w Windows) Window(i int) []int {
	n := w.width()
	part := w.Stream[i*n : (i+1)*n]
	ids := make([]int, 0, w.Config.SeqLen)
	if w.Config.Kind == Encoder {
		ids = append(ids, w.Config.Special.CLS)
	}
	for _, v := range part {
		ids = append(ids, int(v))
	}
	if w.Config.Kind == Encoder {
		ids = append(ids, w.Config.Special.SEP)
	}
	return ids
}

// Batch returns the micro-batch of sequences indices picks, with its
// targets: the next tokens for a decoder; for an encoder BERT's masking
// (15% of the tokens, 80/10/10) drawn from r.
func (w Windows) Batch(indices []int, r *rand.Rand) (*train.Batch, error) {
	seqs := make([][]int, len(indices))
	for i, idx := range indices {
		seqs[i] = w.Window(idx)
	}
	sp := w.Config.Special
	b, err := train.NewBatch(seqs, sp.Pad)
	if err != nil {
		return nil, err
	}
	if w.Config.Kind == Decoder {
		b.SetNextTokenTargets()
		return b, nil
	}
	_, err = train.MaskTokens(b, train.MaskConfig{
		Prob: w.Config.MaskProb, Vocab: w.Config.Vocab, MaskID: sp.Mask,
		Special: []int{sp.Pad, sp.Unk, sp.CLS, sp.SEP, sp.Mask},
	}, r)
	return b, err
}

// order is the seeded data order of a run: which window each sequence of
// each step reads. Epoch e visits the windows in train.Order(n, seed, e).
type order struct {
	n, epoch int
	seed     uint64
	perm     []int
}

// index returns the window read by global sequence g (counted from the
// start of the run over all steps and micro-batches).
func (o *order) index(g int) int {
	e := g / o.n
	if o.perm == nil || e != o.epoch {
		o.perm, o.epoch = train.Order(o.n, o.seed, e), e
	}
	return o.perm[g%o.n]
}

// maskRand is the masking generator of micro-batch a of step s: a
// function of the seed, the step and the micro-batch only.
func maskRand(seed uint64, step, micro, accum int) *rand.Rand {
	return rand.New(rand.NewPCG(seed^0x6d61736b, uint64(step*accum+micro)))
}
