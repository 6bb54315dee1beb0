//go:build js

package main

import "io/fs"

// assets is nil on Cloudflare: the asset binding (wrangler.jsonc "assets")
// serves static/ with the headers in _headers, which keeps the worker small.
func assets() fs.FS { return nil }
