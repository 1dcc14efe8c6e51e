// Chat is a small chat room built on the fastsse hub: browsers receive
// messages and who is online as server-sent events, through EventSource,
// and post messages with ordinary requests.
//
// Run it from the root of the module and open the address it prints:
//
//	go run ./examples/chat
//	go run ./examples/chat -addr 127.0.0.1:9000
//
// Open it in two browser windows (one private, so that they do not share
// cookies) under two names to chat. A browser that loses its connection
// reconnects with Last-Event-ID and is sent exactly the messages it
// missed, from the last 1000 events the server keeps; when those no
// longer reach back far enough, it is told that some messages were
// missed.
//
// Endpoints:
//
//	GET  /          the page
//	POST /join      name, as a form or as JSON: sets the session cookie
//	GET  /session   {"name": NAME} of the browser's session, "" for none
//	GET  /events    the event stream: "message" and "presence" events
//	POST /send      text, as a form or as JSON
//	POST /leave     ends the session
//
// # Doing it safely
//
// It is meant to be copied, so it does what a public service must:
//
//   - Names are bound to sessions. Joining creates a session: 128 random
//     bits from crypto/rand, kept by the browser in an HttpOnly,
//     SameSite=Strict cookie (Secure over TLS) and mapped on the server to
//     the name. A message's name is its session's, never one the request
//     states; a post without a live session is refused (403). Names are
//     unique among live sessions, ignoring case (409 when taken). A session
//     ends when it leaves, or 2 minutes after its last stream closed; at
//     most 1000 exist at once (503 beyond).
//   - Cross-site requests are refused (403): every POST must carry
//     Sec-Fetch-Site same-origin or none, and an Origin equal to the
//     server's own, when the browser sends them; see checkSameOrigin.
//   - Each session may post 10 messages at once and 5 a second after
//     that (a token bucket); beyond, the answer is 429 Too Many Requests
//     with Retry-After, in seconds.
//   - Who is online is published as one snapshot at most every 250 ms,
//     however many people come and go (see presence), and sent to each new
//     stream on its own: a crowd joining at once costs each observer a
//     few events, not one per person.
//   - The page allows only its own inline script and style, by hash, in
//     its Content-Security-Policy, and cannot be framed by other sites.
//
// These limits are fields of config.
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
