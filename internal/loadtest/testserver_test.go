package loadtest

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fastsse/sse"
)

// The servers this package's tests run under load: a plain one, and ones
// that misbehave in a known way, so the tests can check that the harness
// counts exactly what they did.
func init() {
	Main(map[string]NewServer{
		"plain": func(c ServerConfig) Server { return newTestServer(c, nil) },
		// drop loses events 3 and 5 for reader c1.
		"drop": func(c ServerConfig) Server {
			return newTestServer(c, func(id string, n int64) int {
				if id == "c1" && (n == 3 || n == 5) {
					return 0
				}
				return 1
			})
		},
		// dup sends event 2 twice to every reader.
		"dup": func(c ServerConfig) Server {
			return newTestServer(c, func(_ string, n int64) int { return 1 + b2i(n == 2) })
		},
		// leak sends events meant for c0 to c1 as well.
		"leak": func(c ServerConfig) Server { s := newTestServer(c, nil); s.leakTo = "c1"; return s },
		// cutting ends c1's stream right after its headers.
		"cutting": func(c ServerConfig) Server { s := newTestServer(c, nil); s.cut = "c1"; return s },
		// failing ends the fleet's streams before their first event.
		"failing": func(c ServerConfig) Server { s := newTestServer(c, nil); s.refuse = true; return s },
	})
	if os.Getenv(roleEnv) != "" {
		panic("loadtest.Main returned in a child process")
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// testServer is a goroutine-per-stream broadcaster with a queue each.
type testServer struct {
	cfg    ServerConfig
	copies func(id string, n int64) int // how many times event n goes to id; nil: once
	leakTo string
	refuse bool
	cut    string

	mu     sync.Mutex
	subs   map[*testSub]struct{}
	closed chan struct{}
}

type testSub struct {
	id    string
	queue chan []byte
}

func newTestServer(cfg ServerConfig, copies func(string, int64) int) *testServer {
	return &testServer{cfg: cfg, copies: copies, subs: map[*testSub]struct{}{}, closed: make(chan struct{})}
}

func (s *testServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.refuse {
		http.Error(w, "refused", http.StatusServiceUnavailable)
		return
	}
	sub := &testSub{id: r.Header.Get(IDHeader), queue: make(chan []byte, 4096)}
	s.mu.Lock()
	s.subs[sub] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.subs, sub)
		s.mu.Unlock()
	}()
	w.Header().Set("Content-Type", "text/event-stream")
	rc := http.NewResponseController(w)
	w.WriteHeader(http.StatusOK)
	if rc.Flush() != nil || sub.id == s.cut {
		return
	}
	var beat <-chan time.Time
	if s.cfg.Heartbeat > 0 {
		t := time.NewTicker(s.cfg.Heartbeat)
		defer t.Stop()
		beat = t.C
	}
	write := func(p []byte) bool {
		if s.cfg.WriteTimeout > 0 {
			rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
		}
		_, err := w.Write(p)
		if err == nil {
			err = rc.Flush()
		}
		if errors.Is(err, os.ErrDeadlineExceeded) && s.cfg.OnSlow != nil {
			s.cfg.OnSlow(sub.id)
		}
		return err == nil
	}
	for {
		select {
		case p := <-sub.queue:
			if !write(p) {
				return
			}
		case <-beat:
			if !write([]byte(": hb\n\n")) {
				return
			}
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		}
	}
}

func (s *testServer) Publish(typ, data, to string) error {
	var buf bytes.Buffer
	if err := sse.NewWriter(&buf).Send(sse.Event{Type: typ, Data: data}); err != nil {
		return err
	}
	n, _ := strconv.ParseInt(strings.Fields(data + " 0")[0], 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	for sub := range s.subs {
		if to != "" && sub.id != to && (to != "c0" || sub.id != s.leakTo) {
			continue
		}
		copies := 1
		if s.copies != nil && typ == "" {
			copies = s.copies(sub.id, n)
		}
		for range copies {
			select {
			case sub.queue <- buf.Bytes():
			default: // full: the stalled one
			}
		}
	}
	return nil
}

func (s *testServer) Subscribers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.subs)
}

func (s *testServer) Close() { close(s.closed) }
