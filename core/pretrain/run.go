package pretrain

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"time"

	"textlab/core/train"
)

// Status is what Run reports after each step.
type Status struct {
	Step, Steps  int
	Loss         float64 // mean loss of the last LogEvery steps
	LR           float64
	TokensPerSec float64       // this sitting's training speed
	Left         time.Duration // estimated time to the last step at this speed
	Eval         *Eval         // set after a held-out evaluation
	Saved        bool          // a checkpoint was written after this step
}

// Options are how a sitting of a run behaves; they do not change what it
// computes.
type Options struct {
	// Dir holds the checkpoint; a run resumes from it when it exists.
	Dir string
	// SaveEvery is the most time between two checkpoints (0 means 10
	// minutes). A checkpoint is also written when ctx is cancelled and at
	// the end.
	SaveEvery time.Duration
	// StopAfter ends the sitting (with a checkpoint) after this much
	// training time; 0 runs to the last step.
	StopAfter time.Duration
	// LogEvery is the steps between two log points (0 means 10).
	LogEvery int
	// Inputs are recorded in the checkpoint (file name → sha256) and must
	// match when a run resumes.
	Inputs map[string]string
	// Progress, if set, is told every step.
	Progress func(Status)
}

// Run trains cfg's model on the train windows, evaluating on the valid
// windows, from the checkpoint in opt.Dir when there is one. It returns
// the state of the last checkpoint written. Cancelling ctx stops the run
// between two steps, after a checkpoint.
func Run(ctx context.Context, cfg Config, trainData, validData Stream, opt Options) (State, error) {
	if err := cfg.Validate(); err != nil {
		return State{}, err
	}
	model, err := cfg.NewModel()
	if err != nil {
		return State{}, err
	}
	tw := Windows{Stream: trainData, Config: cfg}
	vw := Windows{Stream: validData, Config: cfg}
	if tw.Len() < cfg.Batch {
		return State{}, fmt.Errorf("pretrain: the training stream makes %d windows, fewer than a batch of %d", tw.Len(), cfg.Batch)
	}
	tr := &train.Trainer{
		Model:       model,
		Schedule:    train.Schedule{PeakLR: cfg.PeakLR, MinLR: cfg.MinLR, WarmupSteps: cfg.Warmup, TotalSteps: cfg.Steps},
		WeightDecay: cfg.WeightDecay,
		ClipNorm:    cfg.ClipNorm,
	}
	st, err := Load(opt.Dir, model, &tr.Optimizer)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		st = State{Config: cfg, Inputs: opt.Inputs}
	case err != nil:
		return State{}, err
	default:
		if st.Config != cfg {
			return State{}, fmt.Errorf("pretrain: the checkpoint in %s was made with other settings (%+v); use another folder or the same settings", opt.Dir, st.Config)
		}
		for k, v := range opt.Inputs {
			if st.Inputs[k] != v {
				return State{}, fmt.Errorf("pretrain: %s changed since the checkpoint in %s was made (sha256 %s, was %s)", k, opt.Dir, v, st.Inputs[k])
			}
		}
	}
	tr.Steps = st.Step
	st.Sittings++
	saveEvery := opt.SaveEvery
	if saveEvery == 0 {
		saveEvery = 10 * time.Minute
	}
	logEvery := max(opt.LogEvery, 1)
	if opt.LogEvery == 0 {
		logEvery = 10
	}
	ord := &order{n: tw.Len(), seed: cfg.Seed}
	save := func() error {
		st.Step, st.AdamSteps = tr.Steps, tr.Optimizer.Steps
		return Save(opt.Dir, model, &tr.Optimizer, st)
	}
	start, lastSave := time.Now(), time.Now()
	startSeconds, startStep := st.Seconds, st.Step
	var lossSum float64
	var lossN int
	for tr.Steps < cfg.Steps {
		if ctx.Err() != nil || opt.StopAfter > 0 && time.Since(start) >= opt.StopAfter {
			break
		}
		step := tr.Steps
		micro := make([]*train.Batch, cfg.Accum)
		for a := range micro {
			idx := make([]int, cfg.Batch)
			for j := range idx {
				idx[j] = ord.index((step*cfg.Accum+a)*cfg.Batch + j)
			}
			if micro[a], err = tw.Batch(idx, maskRand(cfg.Seed, step, a, cfg.Accum)); err != nil {
				return st, err
			}
		}
		res, err := tr.Step(micro...)
		if err != nil {
			if serr := save(); serr != nil {
				return st, errors.Join(err, serr)
			}
			return st, err
		}
		st.Seconds = startSeconds + time.Since(start).Seconds()
		lossSum += res.Loss
		lossN++
		status := Status{Step: tr.Steps, Steps: cfg.Steps, Loss: lossSum / float64(lossN), LR: res.LR}
		if done := tr.Steps - startStep; done > 0 {
			perStep := time.Since(start) / time.Duration(done)
			status.TokensPerSec = float64(done*cfg.TokensPerStep()) / time.Since(start).Seconds()
			status.Left = perStep * time.Duration(cfg.Steps-tr.Steps)
		}
		if tr.Steps%logEvery == 0 || tr.Steps == cfg.Steps {
			st.Log = append(st.Log, Point{Step: tr.Steps, Loss: lossSum / float64(lossN), LR: res.LR, GradNorm: res.GradNorm, Seconds: st.Seconds})
			lossSum, lossN = 0, 0
		}
		if cfg.EvalEvery > 0 && tr.Steps%cfg.EvalEvery == 0 || tr.Steps == cfg.Steps {
			loss, err := Evaluate(model, vw, cfg.EvalWindows)
			if err != nil {
				return st, err
			}
			e := Eval{Step: tr.Steps, Loss: loss}
			st.Evals = append(st.Evals, e)
			status.Eval = &e
		}
		if time.Since(lastSave) >= saveEvery {
			if err := save(); err != nil {
				return st, err
			}
			lastSave, status.Saved = time.Now(), true
		}
		if opt.Progress != nil {
			opt.Progress(status)
		}
	}
	if err := save(); err != nil {
		return st, err
	}
	return st, ctx.Err()
}

// Evaluate returns the model's mean loss per predicted token on the first
// n windows of vw (all of them when n is 0 or more than there are), in
// micro-batches of the run's batch size. The encoder's masking is drawn
// from a fixed seed, so every evaluation of a run masks the same tokens.
func Evaluate(m train.Model, vw Windows, n int) (float64, error) {
	if n <= 0 || n > vw.Len() {
		n = vw.Len()
	}
	if n == 0 {
		return math.NaN(), fmt.Errorf("pretrain: the held-out stream makes no window")
	}
	r := rand.New(rand.NewPCG(0x65766c, 1))
	var sum float64
	var count int
	for i := 0; i < n; i += vw.Config.Batch {
		idx := make([]int, 0, vw.Config.Batch)
		for j := i; j < min(n, i+vw.Config.Batch); j++ {
			idx = append(idx, j)
		}
		b, err := vw.Batch(idx, r)
		if err != nil {
			return 0, err
		}
		loss, err := m.Forward(b)
		if err != nil {
			return 0, err
		}
		k := 0
		for _, t := range b.Targets {
			if t >= 0 {
				k++
			}
		}
		sum += float64(loss) * float64(k)
		count += k
	}
	return sum / float64(count), nil
}
