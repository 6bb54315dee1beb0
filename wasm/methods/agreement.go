package methods

import "textlab/wasm/protocol"

// registerAgreement adds the agreement page's methods.
func registerAgreement(e *protocol.Engine) {}
