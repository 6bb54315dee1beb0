// Package engine is the engine's description of itself: the engine.*
// methods (info, the About page's status card, a self-test that exercises
// progress and cancellation, and a deliberate failure for tests).
package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"textlab/core/buildinfo"
	"textlab/wasm/protocol"
	"textlab/web/ui"
)

// Options is what the engine's main knows about the running engine.
type Options struct {
	// SIMD says whether the WebAssembly SIMD kernels were installed
	// (package textlab/wasm/simd).
	SIMD bool
}

// Info is what the engine tells the page about itself.
type Info struct {
	Version   string   `json:"version"`
	GoVersion string   `json:"go"`
	SIMD      bool     `json:"simd"`
	Methods   []string `json:"methods"`
}

// Describe returns the engine's self-description, sent with the ready message.
func Describe(e *protocol.Engine, o Options) Info {
	return Info{Version: buildinfo.Version, GoVersion: buildinfo.GoVersion(), SIMD: o.SIMD, Methods: e.Methods()}
}

// Register adds the engine.* methods to e.
func Register(e *protocol.Engine, o Options) {
	e.Register("engine.info", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		return Describe(e, o), nil
	})

	// engine.status_card renders the status card with ui.EngineStatus.
	e.Register("engine.status_card", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		var in struct {
			Workers  int  `json:"workers"`
			Isolated bool `json:"isolated"`
		}
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		return protocol.Render(ctx, ui.EngineStatus(ui.EngineInfo{
			Version: buildinfo.Version, GoVersion: buildinfo.GoVersion(),
			Workers: in.Workers, Isolated: in.Isolated, Methods: e.Methods(), SIMD: o.SIMD,
		}))
	})

	// engine.selftest does steps rounds of real arithmetic, about ms
	// milliseconds each, reporting progress: it exercises progress events
	// and cancellation end to end.
	e.Register("engine.selftest", func(ctx context.Context, req protocol.Request, progress protocol.Progress) (any, error) {
		in := struct {
			Steps int `json:"steps"`
			MS    int `json:"ms"`
		}{Steps: 20, MS: 50}
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		if in.Steps < 1 || in.Steps > 10000 || in.MS < 0 || in.MS > 10000 {
			return nil, protocol.BadRequest("engine.selftest: steps must be 1..10000 and ms 0..10000")
		}
		start := time.Now()
		var sum float64
		for i := 0; i < in.Steps; i++ {
			stepEnd := time.Now().Add(time.Duration(in.MS) * time.Millisecond)
			for n := 0; time.Now().Before(stepEnd) || n == 0; n++ {
				for k := 1; k <= 1000; k++ {
					sum += 1 / float64(k*k)
				}
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				progress((float64(i)+0.5)/float64(in.Steps), fmt.Sprintf("step %d of %d", i+1, in.Steps))
			}
		}
		progress(1, "done")
		return map[string]any{"steps": in.Steps, "seconds": time.Since(start).Seconds(), "checksum": sum}, nil
	})

	// engine.fail fails on purpose, to show (and test) that errors and bugs
	// reach the page as messages and leave the engine running.
	e.Register("engine.fail", func(ctx context.Context, req protocol.Request, _ protocol.Progress) (any, error) {
		var in struct {
			Kind string `json:"kind"`
		}
		if err := protocol.Decode(req, &in); err != nil {
			return nil, err
		}
		switch in.Kind {
		case "panic":
			var none []int
			return none[len(in.Kind)], nil // index out of range, deliberately
		case "error":
			return nil, errors.New("this request failed on purpose: the engine keeps running")
		case "exit":
			// The engine stops, as after a fatal error (out of memory):
			// the page must replace the worker and give it back what it
			// held. Only in the browser: natively it would end the process.
			if runtime.GOOS == "js" {
				os.Exit(3)
			}
			return nil, protocol.BadRequest("engine.fail: kind \"exit\" stops a browser engine only")
		}
		return nil, protocol.BadRequest("engine.fail: kind must be \"error\", \"panic\" or \"exit\", not %q", in.Kind)
	})
}
