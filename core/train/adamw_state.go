package train

// Moments returns the optimiser's first and second moments of the
// parameter called name, sharing their storage, or nil before its first
// step. A checkpoint saves them to resume training exactly.
func (o *AdamW) Moments(name string) (m, v []float32) {
	st := o.moments[name]
	if st == nil {
		return nil, nil
	}
	return st.m, st.v
}

// SetMoments restores the moments of the parameter called name (copies of
// m and v, which must have the parameter's length), as a checkpoint saved
// them with Moments; Steps must be restored too.
func (o *AdamW) SetMoments(name string, m, v []float32) {
	if o.moments == nil {
		o.moments = map[string]*moments{}
	}
	o.moments[name] = &moments{m: append([]float32(nil), m...), v: append([]float32(nil), v...)}
}
