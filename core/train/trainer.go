package train

import (
	"context"
	"fmt"
	"math"
)

// Trainer runs optimisation steps on a model: gradient accumulation over
// micro-batches, clipping by global norm, the learning-rate schedule and
// AdamW with two weight-decay groups.
type Trainer struct {
	Model     Model    // the model being trained
	Optimizer AdamW    // its optimiser state (the zero value has PyTorch's defaults)
	Schedule  Schedule // the learning rate of each step; the zero value is 0: set PeakLR
	// WeightDecay applies to Weight tensors, and to Embedding tensors when
	// DecayEmbeddings is set (see DecayGroups); 0 means none.
	WeightDecay     float64 // decay of the Weight tensors
	DecayEmbeddings bool    // whether Embedding tensors decay too
	// ClipNorm is the largest global gradient norm a step uses (see
	// ClipGradNorm); 0 means no clipping.
	ClipNorm float64
	// Steps counts the steps taken; it indexes the schedule.
	Steps int
}

// StepResult reports one optimisation step.
type StepResult struct {
	Step     int     // the step's index, from 0
	Loss     float64 // mean of the micro-batches' losses
	LR       float64 // learning rate used
	GradNorm float64 // global gradient norm before clipping
}

// Step runs one optimisation step on the given micro-batches: it clears the
// gradients, runs Forward and Backward on each micro-batch, averages the
// gradients over them, clips them, and updates the weights with AdamW at
// the schedule's learning rate. Several micro-batches give the step of
// their union when they are equally weighted (same number of targets).
func (t *Trainer) Step(micro ...*Batch) (StepResult, error) {
	if len(micro) == 0 {
		return StepResult{}, fmt.Errorf("train: a step needs at least one batch")
	}
	params := t.Model.Params()
	for _, p := range params {
		clear(p.Grad)
	}
	var loss float64
	for i, b := range micro {
		l, err := t.Model.Forward(b)
		if err != nil {
			return StepResult{}, fmt.Errorf("micro-batch %d: %w", i, err)
		}
		t.Model.Backward()
		loss += float64(l)
	}
	if len(micro) > 1 {
		inv := float32(1 / float64(len(micro)))
		for _, p := range params {
			for i := range p.Grad {
				p.Grad[i] *= inv
			}
		}
	}
	res := StepResult{Step: t.Steps, Loss: loss / float64(len(micro)), LR: t.Schedule.LR(t.Steps)}
	res.GradNorm = ClipGradNorm(params, t.ClipNorm)
	if math.IsNaN(res.GradNorm) || math.IsInf(res.GradNorm, 0) {
		return res, fmt.Errorf("train: step %d: the gradient norm is %v; lower the learning rate", t.Steps, res.GradNorm)
	}
	if err := t.Optimizer.Step(DecayGroups(params, t.WeightDecay, t.DecayEmbeddings), res.LR); err != nil {
		return res, err
	}
	t.Steps++
	return res, nil
}

// Run takes steps until t.Steps reaches steps, asking next for each step's
// micro-batches and telling progress (which may be nil) every result. It
// stops with ctx's error when ctx is cancelled between steps.
func (t *Trainer) Run(ctx context.Context, steps int, next func(step int) ([]*Batch, error), progress func(StepResult)) error {
	for t.Steps < steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		micro, err := next(t.Steps)
		if err != nil {
			return err
		}
		res, err := t.Step(micro...)
		if err != nil {
			return err
		}
		if progress != nil {
			progress(res)
		}
	}
	return nil
}
