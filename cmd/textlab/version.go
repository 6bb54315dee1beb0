package main

import (
	"fmt"
	"io"
	"runtime"

	"textlab/core/buildinfo"
)

func init() {
	register(command{
		name:    "version",
		summary: "print Textlab's version and the Go toolchain it was built with",
		run: func(args []string, _ io.Reader, stdout, stderr io.Writer) error {
			if err := parseFlags(newFlags("version", stderr), args); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "textlab %s (%s, %s/%s)\n", buildinfo.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	})
}
