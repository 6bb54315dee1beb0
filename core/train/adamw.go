package train

import (
	"fmt"
	"math"
)

// Group is a set of parameters sharing a weight decay, like one of
// PyTorch's param_groups.
type Group struct {
	WeightDecay float64 // decoupled weight decay of the group's parameters
	Params      []Param // the parameters
}

// DecayGroups splits params into PyTorch's usual two groups: Weight tensors
// (and Embedding tensors when decayEmbeddings is set) decay by
// weightDecay; biases, norm scales and the other embeddings do not.
func DecayGroups(params []Param, weightDecay float64, decayEmbeddings bool) []Group {
	decay, noDecay := Group{WeightDecay: weightDecay}, Group{}
	for _, p := range params {
		if p.Kind == Weight || p.Kind == Embedding && decayEmbeddings {
			decay.Params = append(decay.Params, p)
		} else {
			noDecay.Params = append(noDecay.Params, p)
		}
	}
	return []Group{decay, noDecay}
}

// AdamW is the Adam optimiser with decoupled weight decay (Loshchilov and
// Hutter), computed as torch.optim.AdamW (amsgrad off) computes it, in
// float32 with float64 scalars. At step t (from 1), for each value p with
// gradient g, first and second moments m and v:
//
//	p ← p·(1 - lr·wd)
//	m ← β1·m + (1-β1)·g
//	v ← β2·v + (1-β2)·g²
//	p ← p - lr/(1-β1ᵗ) · m / (√v/√(1-β2ᵗ) + ε)
//
// The zero value has PyTorch's defaults for the fields below.
type AdamW struct {
	Beta1, Beta2 float64 // moment decay rates; 0 means 0.9 and 0.999
	Eps          float64 // added to the denominator; 0 means 1e-8
	// Steps counts the steps taken.
	Steps int
	// moments holds m and v of each parameter, by name.
	moments map[string]*moments
}

// moments are the running averages of one parameter's gradient and squared
// gradient.
type moments struct {
	m, v []float32
}

// Step updates every parameter of groups with learning rate lr, using each
// group's weight decay. Parameters are told apart by name, which must be
// unique and keep its length from step to step.
func (o *AdamW) Step(groups []Group, lr float64) error {
	beta1, beta2, eps := o.Beta1, o.Beta2, o.Eps
	if beta1 == 0 {
		beta1 = 0.9
	}
	if beta2 == 0 {
		beta2 = 0.999
	}
	if eps == 0 {
		eps = 1e-8
	}
	if o.moments == nil {
		o.moments = map[string]*moments{}
	}
	seen := map[string]bool{}
	for _, g := range groups {
		for _, p := range g.Params {
			if seen[p.Name] {
				return fmt.Errorf("train: parameter %q appears twice", p.Name)
			}
			seen[p.Name] = true
			if len(p.Grad) != len(p.Value) {
				return fmt.Errorf("train: parameter %q has %d values and %d gradients", p.Name, len(p.Value), len(p.Grad))
			}
			if st, ok := o.moments[p.Name]; ok && len(st.m) != len(p.Value) {
				return fmt.Errorf("train: parameter %q changed length from %d to %d", p.Name, len(st.m), len(p.Value))
			}
		}
	}
	o.Steps++
	t := float64(o.Steps)
	stepSize := float32(lr / (1 - math.Pow(beta1, t)))
	bc2Sqrt := float32(math.Sqrt(1 - math.Pow(beta2, t)))
	b1, b2 := float32(beta1), float32(beta2)
	c1, c2 := float32(1-beta1), float32(1-beta2)
	e := float32(eps)
	for _, g := range groups {
		decay := float32(1 - lr*g.WeightDecay)
		for _, p := range g.Params {
			st := o.moments[p.Name]
			if st == nil {
				st = &moments{m: make([]float32, len(p.Value)), v: make([]float32, len(p.Value))}
				o.moments[p.Name] = st
			}
			m, v := st.m, st.v
			for i, gr := range p.Grad {
				p.Value[i] *= decay
				m[i] = m[i]*b1 + c1*gr
				v[i] = v[i]*b2 + c2*gr*gr
				denom := float32(math.Sqrt(float64(v[i])))/bc2Sqrt + e
				p.Value[i] += -stepSize * m[i] / denom
			}
		}
	}
	return nil
}

// ClipGradNorm scales every gradient by maxNorm/(‖g‖+1e-6) when the global
// norm ‖g‖ (of all gradients together, summed in float64) exceeds maxNorm,
// as torch.nn.utils.clip_grad_norm_ does, and returns ‖g‖ before clipping.
// maxNorm ≤ 0 only measures.
func ClipGradNorm(params []Param, maxNorm float64) float64 {
	var ss float64
	for _, p := range params {
		for _, g := range p.Grad {
			ss += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(ss)
	if maxNorm <= 0 {
		return norm
	}
	coef := float32(maxNorm / (norm + 1e-6))
	if coef < 1 {
		for _, p := range params {
			for i := range p.Grad {
				p.Grad[i] *= coef
			}
		}
	}
	return norm
}

// Schedule is a learning-rate schedule: a linear warm-up from 0 to PeakLR
// over WarmupSteps steps, then a cosine decay to MinLR at TotalSteps, and
// MinLR after that.
type Schedule struct {
	PeakLR, MinLR float64 // the rate after the warm-up, and at the end of the decay
	WarmupSteps   int     // steps of linear warm-up; 0 means none
	TotalSteps    int     // step at which the decay reaches MinLR; 0 means no decay: PeakLR after the warm-up
}

// LR returns the learning rate of step (counted from 0):
// PeakLR·(step+1)/WarmupSteps during the warm-up, then
// MinLR + ½(PeakLR-MinLR)(1 + cos(π·p)) with p the fraction of the decay
// steps done.
func (s Schedule) LR(step int) float64 {
	if step < s.WarmupSteps {
		return s.PeakLR * float64(step+1) / float64(s.WarmupSteps)
	}
	if s.TotalSteps == 0 {
		return s.PeakLR
	}
	if step >= s.TotalSteps {
		return s.MinLR
	}
	p := float64(step-s.WarmupSteps) / float64(max(1, s.TotalSteps-s.WarmupSteps))
	return s.MinLR + 0.5*(s.PeakLR-s.MinLR)*(1+math.Cos(math.Pi*p))
}
