// Package buildinfo names the Textlab version, shared by the command line,
// the server and the WebAssembly engine so all three report the same one.
package buildinfo

import (
	"runtime"
	"strings"
)

// Version is Textlab's release version.
const Version = "0.1.0"

// GoVersion returns the Go release the binary was built with, shortened to
// major.minor ("Go 1.26"), as the engine status line shows it.
func GoVersion() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	if parts := strings.SplitN(v, ".", 3); len(parts) >= 2 {
		v = parts[0] + "." + parts[1]
	}
	return "Go " + v
}
