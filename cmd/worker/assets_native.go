//go:build !js

package main

import (
	"io/fs"

	"textlab/static"
)

// assets serves the embedded static files when running natively.
func assets() fs.FS { return static.FS }
