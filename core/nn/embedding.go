package nn

// Embedding is a lookup table: id i maps to row i of Table, [Num][Dim]
// (PyTorch's nn.Embedding layout).
type Embedding struct {
	Num, Dim int       // number of ids, and width of a row
	Table    []float32 // [Num][Dim]
}

// NewEmbedding returns a table of num rows of dim values, all zero.
func NewEmbedding(num, dim int) (Embedding, error) {
	if err := checkSizes("Embedding", size{"num", num}, size{"dim", dim}); err != nil {
		return Embedding{}, err
	}
	return Embedding{Num: num, Dim: dim, Table: make([]float32, num*dim)}, nil
}

// Forward sets row i of out ([len(ids)][Dim]) to the table row of ids[i].
// The ids must lie in 0..Num-1.
func (e *Embedding) Forward(out []float32, ids []int) {
	d := e.Dim
	for i, id := range ids {
		copy(out[i*d:(i+1)*d], e.Table[id*d:(id+1)*d])
	}
}

// ForwardAdd adds the table row of ids[i] to row i of out, for sums of
// embeddings (BERT adds word, position and token-type rows).
func (e *Embedding) ForwardAdd(out []float32, ids []int) {
	d := e.Dim
	for i, id := range ids {
		row, src := out[i*d:(i+1)*d], e.Table[id*d:(id+1)*d]
		for j, v := range src {
			row[j] += v
		}
	}
}

// Backward adds row i of dout to the gradient row of ids[i]: an id that
// occurs several times collects the sum of its rows' gradients.
func (e *Embedding) Backward(dout []float32, ids []int, grad *Embedding) {
	d := e.Dim
	for i, id := range ids {
		g, src := grad.Table[id*d:(id+1)*d], dout[i*d:(i+1)*d]
		for j, v := range src {
			g[j] += v
		}
	}
}
