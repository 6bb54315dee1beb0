package methods

import "textlab/wasm/protocol"

// registerClassic adds the classic page's methods.
func registerClassic(e *protocol.Engine) {}
