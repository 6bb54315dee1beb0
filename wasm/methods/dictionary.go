package methods

import "textlab/wasm/protocol"

// registerDictionary adds the dictionary page's methods.
func registerDictionary(e *protocol.Engine) {}
