package peers

import (
	"context"
	"net/http"
	"time"

	gosse "github.com/tmaxmax/go-sse"

	"github.com/fastsse/sse/internal/loadtest"
	"github.com/fastsse/sse/internal/loadtest/hubserver"
)

// Child processes of the load benchmark (this test binary re-executed)
// become a server process, the client fleet or the CPU hog here.
func init() {
	loadtest.Main(map[string]loadtest.NewServer{
		hubserver.Name: hubserver.New,
		goSSEName:      newGoSSEServer,
	})
}

const goSSEName = "go-sse"

// goSSEServer is go-sse's Server with its default provider, Joe, set up as
// its documentation shows: OnSession chooses the topics of a session,
// here the default topic (broadcasts) and one named after the subscriber
// (events To it).
//
// go-sse has neither heartbeats nor a write timeout (Joe writes to every
// subscriber in turn from one goroutine, so a client that stops reading
// holds every other one up); the stalled, hog-with-timeout and idle
// cases are therefore run against the fastsse hub only.
type goSSEServer struct {
	srv *gosse.Server
}

func newGoSSEServer(loadtest.ServerConfig) loadtest.Server {
	return goSSEServer{srv: &gosse.Server{
		Provider: &gosse.Joe{},
		OnSession: func(_ http.ResponseWriter, r *http.Request) ([]string, bool) {
			return []string{gosse.DefaultTopic, r.Header.Get(loadtest.IDHeader)}, true
		},
	}}
}

func (s goSSEServer) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.srv.ServeHTTP(w, r) }

func (s goSSEServer) Publish(typ, data, to string) error {
	m := &gosse.Message{}
	if typ != "" {
		m.Type = gosse.Type(typ)
	}
	m.AppendData(data)
	if to == "" {
		to = gosse.DefaultTopic
	}
	return s.srv.Publish(m, to)
}

func (s goSSEServer) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.srv.Shutdown(ctx)
}
