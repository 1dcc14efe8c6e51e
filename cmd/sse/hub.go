package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/fastsse/sse"
	"github.com/fastsse/sse/hub"
	"github.com/fastsse/sse/hub/redis"
)

// hubSynopsis is the command line of sse hub, every flag in it.
const hubSynopsis = `sse hub [--addr ADDR] [--redis URL] [--name NAME] [--replay N] [--heartbeat D] [--publish-token TOKEN] [--open-publish] [--topics-from-query] [--ids-from-query]`

const hubUsage = `usage: ` + hubSynopsis + `

sse hub runs a standalone SSE hub: clients subscribe with EventSource,
publishers POST events, and every subscriber gets them.

Without --redis the hub keeps its events in memory. With --redis, every
sse hub given the same Redis and --name shares one ordered log (a Redis
Stream): an event published on any of them reaches the subscribers of all,
with the same id, and a client that reconnects to another instance resumes
there. Run several behind a load balancer:

	sse hub --addr :8081 --redis redis://10.0.0.5:6379 --name chat
	sse hub --addr :8082 --redis redis://10.0.0.5:6379 --name chat

While Redis is unreachable, publishing answers 503, /healthz answers 503,
open streams stay up (heartbeats), and the hub reconnects by itself; if
Redis lost its data meanwhile, every subscriber is sent one "reset" event.

	GET  /events    the stream; a client that reconnects with Last-Event-ID
	                resumes after it (the last --replay events), or gets one
	                "reset" event when it cannot
	POST /publish   publish one event: Authorization: Bearer TOKEN and a JSON
	                body {"type": "...", "data": "...", "topics": [...],
	                "to": [...], "ephemeral": false} (all but data optional);
	                200 {"id": "..."} once stored, with the id subscribers see;
	                401 without the token, 400 for an invalid event, 503 while
	                the engine is unavailable (the event was not stored)
	GET  /healthz   200 when ready, 503 when the engine is unavailable

The token comes from --publish-token or, better (command lines are
visible to other users), the SSE_PUBLISH_TOKEN environment variable.
Without a token sse hub refuses to start, unless --open-publish is given
and it listens on a loopback address only.

Targeting fails closed. "topics" limits an event to the subscribers of one
of them; with --topics-from-query a subscriber chooses its topics with
?topic=NAME (repeated; ?topic=* for all), and without it, events with
topics are refused. "to" limits an event to the subscribers with one of
the ids; with --ids-from-query a subscriber's id is ?id=NAME, which is NOT
authenticated (anyone may claim any id: keep private data out of "to", or
put an authenticating proxy in front), and without it, events with "to"
are refused. An empty "topics" or "to" list reaches nobody.

Status goes to standard error; SIGTERM or an interrupt shuts the server
down gracefully, ending every stream.

Flags:
`

// maxPublishBody bounds the body of a POST /publish.
const maxPublishBody = 1 << 20

// hubServer is the HTTP side of sse hub: the Hub, the publish endpoint and
// the health check.
type hubServer struct {
	hub     *hub.Hub
	healthy func() error // nil: always healthy (in memory)
	token   []byte       // sha256 of the publish token; nil: open publishing
	topics  bool         // --topics-from-query
	ids     bool         // --ids-from-query
	stderr  io.Writer
}

// runHub is the hub command.
func runHub(ctx context.Context, args []string, _ io.Reader, _, stderr io.Writer) int {
	flags := newFlagSet("hub")
	addr := flags.String("addr", "127.0.0.1:8080", "listen on `HOST:PORT`")
	token := flags.String("publish-token", "", "the bearer `TOKEN` POST /publish requires (default $SSE_PUBLISH_TOKEN)")
	open := flags.Bool("open-publish", false, "allow publishing without a token (loopback addresses only)")
	replay := flags.Int("replay", 1000, "keep the last `N` events for clients that reconnect with Last-Event-ID")
	topics := flags.Bool("topics-from-query", false, "subscribers choose topics with ?topic=NAME")
	ids := flags.Bool("ids-from-query", false, "a subscriber's id (for \"to\") is ?id=NAME, unauthenticated")
	heartbeat := flags.Duration("heartbeat", 15*time.Second, "send a comment after `D` of silence")
	redisURL := flags.String("redis", "", "share the log with other instances on the Redis at `URL` (redis://[user:password@]host:port[/db])")
	name := flags.String("name", "sse", "the hub `NAME` instances on one Redis share")
	pos, code, ok := parseArgs(flags, hubUsage, args, stderr)
	if !ok {
		return code
	}
	if len(pos) != 0 {
		return usageError(stderr, "hub", "unexpected arguments %q", pos)
	}
	if *replay < 0 || *heartbeat <= 0 {
		return usageError(stderr, "hub", "--replay must not be negative, --heartbeat must be positive")
	}
	if *token == "" {
		*token = os.Getenv("SSE_PUBLISH_TOKEN")
	}
	if *token == "" && (!*open || !loopbackOnly(*addr)) {
		return usageError(stderr, "hub", "refusing to start without a publish token: give --publish-token or SSE_PUBLISH_TOKEN, or --open-publish with a loopback --addr")
	}

	opts := []hub.Option{hub.WithAutoIDs(), hub.WithHeartbeat(*heartbeat), hub.WithReplay(*replay, 0)}
	engine := "in memory"
	var healthy func() error
	if *redisURL != "" {
		l, err := openRedisLog(ctx, *redisURL, *name, *replay, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "sse hub: %v\n", err)
			return exitUsage
		}
		defer l.Close()
		opts = append(opts, hub.WithLog(l))
		healthy = l.Healthy
		engine = fmt.Sprintf("log %q on Redis %s", *name, redactURL(*redisURL))
	}
	if *topics {
		opts = append(opts, hub.WithTopics(topicsFromQuery))
	}
	if *ids {
		opts = append(opts, hub.WithSubscriberID(func(r *http.Request) string { return r.URL.Query().Get("id") }))
	}
	hs := &hubServer{hub: hub.New(opts...), healthy: healthy, topics: *topics, ids: *ids, stderr: stderr}
	if *token != "" {
		sum := sha256.Sum256([]byte(*token))
		hs.token = sum[:]
	}

	code = listenAndServe(ctx, "sse hub", *addr, stderr, func(a net.Addr) {
		fmt.Fprintf(stderr, "sse hub: listening on http://%s (events at /events, publish at /publish), %s\n", a, engine)
	}, hs.serve)
	if code == exitOK {
		fmt.Fprintln(stderr, "sse hub: stopped")
	}
	return code
}

// openRedisLog opens the shared log on the Redis at url, waits a little
// for it to be reached (reporting on stderr when it is not: the log keeps
// trying), and reports on stderr whenever Redis becomes unreachable or
// reachable again, until ctx is done or the log is closed.
func openRedisLog(ctx context.Context, url, name string, replay int, stderr io.Writer) (*redis.Log, error) {
	l, err := redis.New(url,
		redis.WithName(name),
		redis.WithWindow(hub.WindowLimits{Entries: max(replay, 1024), Bytes: 16 << 20, Resumable: replay}),
		redis.WithMaxLen(int64(max(replay, 10000))),
	)
	if err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := l.Ready(wctx); err != nil {
		fmt.Fprintf(stderr, "sse hub: %v; retrying in the background\n", err)
	}
	go func() {
		was := l.Healthy()
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
			now := l.Healthy()
			switch {
			case errors.Is(now, hub.ErrClosed):
				return
			case now != nil && was == nil:
				fmt.Fprintf(stderr, "sse hub: %v\n", now)
			case now == nil && was != nil:
				fmt.Fprintln(stderr, "sse hub: Redis reachable")
			}
			was = now
		}
	}()
	return l, nil
}

// redactURL returns url without its password, for status lines.
func redactURL(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}

// loopbackOnly reports whether addr ("host:port") listens on loopback
// addresses only: an empty host listens on every interface.
func loopbackOnly(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// topicsFromQuery returns the ?topic= parameters, or hub.AllTopics for
// ?topic=*.
func topicsFromQuery(r *http.Request) []string {
	ts := r.URL.Query()["topic"]
	if slices.Contains(ts, "*") {
		return hub.AllTopics(r)
	}
	return ts
}

// serve serves until ctx is done, then shuts down: the Hub ends every
// stream, and the server waits for the other requests.
func (hs *hubServer) serve(ctx context.Context, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET /events", hs.hub)
	mux.HandleFunc("POST /publish", hs.publish)
	mux.HandleFunc("GET /healthz", hs.healthz)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	hs.hub.CloseOnShutdown(srv)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		hs.hub.Close()
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(hs.stderr, "sse hub: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if herr := hs.hub.Shutdown(sctx); err == nil {
		err = herr
	}
	<-done
	return err
}

// publishRequest is the body of POST /publish. Topics and To are
// pointers: absent means no such limit, an empty list means nobody.
type publishRequest struct {
	Type      string    `json:"type"`
	Data      *string   `json:"data"`
	Topics    *[]string `json:"topics"`
	To        *[]string `json:"to"`
	Ephemeral bool      `json:"ephemeral"`
}

// publish handles POST /publish.
func (hs *hubServer) publish(w http.ResponseWriter, r *http.Request) {
	if !hs.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="sse hub"`)
		httpError(w, http.StatusUnauthorized, "a valid bearer token is required")
		return
	}
	var req publishRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxPublishBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		httpError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return
	}
	if dec.More() {
		httpError(w, http.StatusBadRequest, "invalid JSON body: more than one value")
		return
	}
	if req.Data == nil || *req.Data == "" {
		httpError(w, http.StatusBadRequest, `"data" is required and must not be empty (EventSource dispatches no event without data)`)
		return
	}
	var targets []hub.Target
	if req.Topics != nil {
		if !hs.topics {
			httpError(w, http.StatusBadRequest, `"topics" needs sse hub --topics-from-query (subscribers choose none otherwise)`)
			return
		}
		targets = append(targets, hub.Topics(*req.Topics...))
	}
	if req.To != nil {
		if !hs.ids {
			httpError(w, http.StatusBadRequest, `"to" needs sse hub --ids-from-query (subscribers have no ids otherwise)`)
			return
		}
		targets = append(targets, hub.To(*req.To...))
	}
	if req.Ephemeral {
		targets = append(targets, hub.Ephemeral())
	}
	id, err := hs.hub.Publish(sse.Event{Type: req.Type, Data: *req.Data}, targets...)
	switch {
	case errors.Is(err, sse.ErrInvalidField):
		httpError(w, http.StatusBadRequest, err.Error())
		return
	case err != nil:
		fmt.Fprintf(hs.stderr, "sse hub: publish failed: %v\n", err)
		httpError(w, http.StatusServiceUnavailable, "not published: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"id": id})
}

// authorized reports whether r carries the publish token, comparing in
// constant time (digests of equal length, so not even the token's length
// leaks).
func (hs *hubServer) authorized(r *http.Request) bool {
	if hs.token == nil {
		return true
	}
	auth := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	return subtle.ConstantTimeCompare(sum[:], hs.token) == 1
}

// healthz handles GET /healthz.
func (hs *hubServer) healthz(w http.ResponseWriter, r *http.Request) {
	if hs.healthy != nil {
		if err := hs.healthy(); err != nil {
			httpError(w, http.StatusServiceUnavailable, "unavailable: "+err.Error())
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

// httpError answers with status and a JSON {"error": msg}.
func httpError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
