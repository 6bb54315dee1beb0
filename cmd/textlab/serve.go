package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"textlab/static"
	"textlab/web"
)

func init() {
	register(command{
		name:    "serve",
		summary: "serve the app on http://localhost:$PORT (default 8080, loopback only)",
		run:     runServe,
	})
}

// defaultAddr listens on loopback: Textlab is a private tool, and other
// machines on the network have no business reaching it unless asked.
func defaultAddr() string {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	return net.JoinHostPort("127.0.0.1", port)
}

func runServe(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	addr := fs.String("addr", defaultAddr(), "address to listen on; use 0.0.0.0:PORT to allow other machines")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := static.FS.Open("engine.wasm"); err != nil {
		return errors.New("this binary was built without the engine (static/engine.wasm); build it with `make build`")
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v (set PORT or --addr to use another port)", *addr, err)
	}
	srv := &http.Server{Handler: web.NewHandler(static.FS), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown)
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	fmt.Fprintf(stdout, "Textlab is running at http://localhost:%s/ (press Ctrl+C to stop)\n", port)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
