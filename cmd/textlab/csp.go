package main

import (
	"fmt"
	"io"

	"textlab/web"
)

func init() {
	register(command{
		name:    "csp",
		summary: "print the Content-Security-Policy the app is served with",
		run: func(args []string, _ io.Reader, stdout, stderr io.Writer) error {
			if err := parseFlags(newFlags("csp", stderr), args); err != nil {
				return err
			}
			fmt.Fprintln(stdout, web.ContentSecurityPolicy)
			return nil
		},
	})
}
