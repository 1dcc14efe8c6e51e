// Chat is a small chat room built on the fastsse hub: browsers receive
// messages and who is online as server-sent events, through EventSource,
// and post messages with ordinary requests.
//
// Run it from the root of the module and open the address it prints:
//
//	go run ./examples/chat
//	go run ./examples/chat -addr 127.0.0.1:9000
//
// Open it in two browser tabs under two names to chat. A browser that
// loses its connection reconnects with Last-Event-ID and is sent exactly
// the messages it missed, from the last 1000 events the server keeps; when
// those no longer reach back far enough, it is told that some messages
// were missed.
//
// Endpoints:
//
//	GET  /                  the page
//	GET  /events?name=NAME  the event stream: "message" and "presence" events
//	POST /send              name and text, as a form or as JSON
//
// Interrupt it (Ctrl-C) to stop it: the event streams are ended and the
// server shuts down gracefully.
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(*addr, log); err != nil {
		log.Error(err.Error())
		os.Exit(1)
	}
}

func run(addr string, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	chat := newServer(config{
		Replay:    1000,
		Heartbeat: 15 * time.Second,
		Retry:     2 * time.Second,
		Logger:    log,
	})
	srv := &http.Server{
		Handler:           chat,
		ReadHeaderTimeout: 10 * time.Second,
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	log.Info("chat room listening", "url", "http://"+ln.Addr().String()+"/")

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	stop() // a second Ctrl-C kills the program at once
	log.Info("shutting down")

	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// http.Server.Shutdown closes the listener, then waits for every
	// connection to go idle; the event streams never do until the hub ends
	// them. Ending them from an OnShutdown function does so only once the
	// listener is closed, so no new browser is turned away by a closed hub.
	hubDone := make(chan error, 1)
	srv.RegisterOnShutdown(func() { hubDone <- chat.Shutdown(sctx) })
	err = srv.Shutdown(sctx)
	if herr := <-hubDone; herr != nil && err == nil {
		err = herr
	}
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}
