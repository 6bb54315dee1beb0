package methods

import "textlab/wasm/protocol"

// registerData adds the data page's methods.
func registerData(e *protocol.Engine) {}
