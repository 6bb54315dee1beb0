package pretrain

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"textlab/core/safetensors"
	"textlab/core/train"
)

// Point is one logged optimisation step.
type Point struct {
	Step     int     `json:"step"`
	Loss     float64 `json:"loss"`
	LR       float64 `json:"lr"`
	GradNorm float64 `json:"grad_norm"`
	Seconds  float64 `json:"seconds"` // training time of the run so far, all sittings
}

// Eval is one held-out evaluation.
type Eval struct {
	Step int     `json:"step"`
	Loss float64 `json:"loss"` // mean cross-entropy per predicted token, in nats
}

// State is what a checkpoint records besides the tensors: the settings,
// how far the run has come, and its history.
type State struct {
	Config    Config            `json:"config"`
	Step      int               `json:"step"`       // optimisation steps taken
	AdamSteps int               `json:"adam_steps"` // the optimiser's step count
	Seconds   float64           `json:"seconds"`    // training time, all sittings
	Sittings  int               `json:"sittings"`   // how many times the run was started
	Log       []Point           `json:"log"`
	Evals     []Eval            `json:"evals"`
	Inputs    map[string]string `json:"inputs"` // sha256 of the corpus and tokenizer files
}

// CheckpointFile is the file name of a run's checkpoint in its folder.
const CheckpointFile = "checkpoint.safetensors"

// Save writes the model's parameters, the optimiser's moments and st to
// dir/checkpoint.safetensors, atomically: the file is written beside the
// old one and renamed over it, so an interrupted save keeps the previous
// checkpoint.
func Save(dir string, m train.Model, opt *train.AdamW, st State) error {
	var ts []safetensors.Tensor
	for _, p := range m.Params() {
		ts = append(ts, safetensors.Tensor{Name: "param/" + p.Name, Shape: []int{len(p.Value)}, F32: p.Value})
		if mo, v := opt.Moments(p.Name); mo != nil {
			ts = append(ts,
				safetensors.Tensor{Name: "adam_m/" + p.Name, Shape: []int{len(mo)}, F32: mo},
				safetensors.Tensor{Name: "adam_v/" + p.Name, Shape: []int{len(v)}, F32: v})
		}
	}
	meta, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, CheckpointFile+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := safetensors.Write(tmp, ts, map[string]string{"textlab_pretrain": string(meta)}); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, CheckpointFile))
}

// Load reads dir's checkpoint into m (whose shapes must match) and opt,
// and returns its State. It returns os.ErrNotExist (wrapped) when there is
// no checkpoint yet.
func Load(dir string, m train.Model, opt *train.AdamW) (State, error) {
	data, err := os.ReadFile(filepath.Join(dir, CheckpointFile))
	if err != nil {
		return State{}, err
	}
	f, err := safetensors.Read(data)
	if err != nil {
		return State{}, fmt.Errorf("checkpoint: %w", err)
	}
	var st State
	if err := json.Unmarshal([]byte(f.Metadata["textlab_pretrain"]), &st); err != nil {
		return State{}, fmt.Errorf("checkpoint: its state: %w", err)
	}
	for _, p := range m.Params() {
		t, ok := f.Tensors["param/"+p.Name]
		if !ok || len(t.F32) != len(p.Value) {
			return State{}, fmt.Errorf("checkpoint: parameter %q is missing or has another size", p.Name)
		}
		copy(p.Value, t.F32)
		mo, okm := f.Tensors["adam_m/"+p.Name]
		v, okv := f.Tensors["adam_v/"+p.Name]
		if okm && okv && len(mo.F32) == len(p.Value) && len(v.F32) == len(p.Value) {
			opt.SetMoments(p.Name, mo.F32, v.F32)
		}
	}
	opt.Steps = st.AdamSteps
	return st, nil
}
