package methods

import "sync"

// session is what the primary engine worker keeps between requests: the
// user's loaded data set and what was computed from it. Pages other than
// Data read it; only the data methods replace it.
type session struct {
	mu sync.Mutex
}

// state is the engine's one session (one engine instance per worker).
var state = &session{}
