package methods

import (
	"sync"
	"time"
)

// namedModels keeps the models a worker has loaded, by name: a call sends a
// model's bytes once and later calls name it, so engine.map can fan work
// out over a pool whose workers were each loaded once.
type namedModels[M any] struct {
	mu sync.Mutex
	m  map[string]M
}

// get returns the model called name. With data, it loads the model with
// load, keeps it under name (replacing any before) and also returns the
// seconds loading took; without, it returns the model kept under name, or
// the error missing() when there is none.
func (n *namedModels[M]) get(name string, data []byte, load func([]byte) (M, error), missing func() error) (M, float64, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	var zero M
	if len(data) == 0 {
		m, ok := n.m[name]
		if !ok {
			return zero, 0, missing()
		}
		return m, 0, nil
	}
	start := time.Now()
	m, err := load(data)
	if err != nil {
		return zero, 0, err
	}
	if n.m == nil {
		n.m = map[string]M{}
	}
	n.m[name] = m
	return m, time.Since(start).Seconds(), nil
}
