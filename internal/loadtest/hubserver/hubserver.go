// Package hubserver puts the fastsse hub under the load harness of
// internal/loadtest, through the hub's public API alone.
package hubserver

import (
	"errors"
	"net/http"

	"github.com/fastsse/sse"
	"github.com/fastsse/sse/hub"
	"github.com/fastsse/sse/internal/loadtest"
)

// Name is the name under which the load benchmarks register New.
const Name = "fastsse"

// server is a hub.Hub as a loadtest.Server.
type server struct {
	h *hub.Hub
}

// New returns a hub whose subscribers are identified by
// loadtest.IDHeader, with cfg's heartbeat and write timeout, that reports
// the subscribers it disconnects with hub.ErrSlow to cfg.OnSlow.
func New(cfg loadtest.ServerConfig) loadtest.Server {
	return server{h: hub.New(
		hub.WithSubscriberID(func(r *http.Request) string { return r.Header.Get(loadtest.IDHeader) }),
		hub.WithHeartbeat(cfg.Heartbeat),
		hub.WithWriteTimeout(cfg.WriteTimeout),
		hub.WithOnDisconnect(func(s hub.Subscriber, reason error) {
			if errors.Is(reason, hub.ErrSlow) && cfg.OnSlow != nil {
				cfg.OnSlow(s.ID)
			}
		}),
	)}
}

// Publish publishes to every subscriber, or To(to).
func (s server) Publish(typ, data, to string) error {
	ev := sse.Event{Type: typ, Data: data}
	if to == "" {
		return lastError(s.h.Publish(ev))
	}
	return lastError(s.h.Publish(ev, hub.To(to)))
}

// ServeHTTP serves a subscriber.
func (s server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

// Subscribers returns the number of streams the hub serves.
func (s server) Subscribers() int { return s.h.Clients() }

// Close ends every stream.
func (s server) Close() { s.h.Close() }

// lastError returns the last of a call's results, an error: Publish
// returns error, or (id string, err error) since the hub assigns ids, and
// lastError(h.Publish(…)) compiles against either.
func lastError(results ...any) error {
	if len(results) == 0 || results[len(results)-1] == nil {
		return nil
	}
	return results[len(results)-1].(error)
}
