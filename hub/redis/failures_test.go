package redis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fastsse/sse/hub"
	"github.com/fastsse/sse/hub/redis/redistest"
)

// stayConnected connects n clients, alternating between ins, and waits
// until every instance serves them.
func stayConnected(t *testing.T, ctx context.Context, n int, ins ...*instance) []*client {
	t.Helper()
	var cs []*client
	for i := range n {
		c := newClient(fmt.Sprint("u", i))
		if _, err := c.connect(ctx, ins[i%len(ins)]); err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	waitClients(t, n, ins...)
	return cs
}

// publishAll publishes prefix0 … prefix(n-1), alternating between ins.
func publishAll(t *testing.T, prefix string, n int, ins ...*instance) {
	t.Helper()
	for i := range n {
		publish(t, ins[i%len(ins)], fmt.Sprint(prefix, i))
	}
}

// publishWhenBack publishes data on in once Redis takes it again; an
// outcome that is unknown (the connection broke after the command was
// sent) fails the test, which could not tell what to expect.
func publishWhenBack(t *testing.T, in *instance, data string) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		_, err := in.hub.Publish(eventData(data))
		if err == nil {
			return
		}
		if errors.Is(err, ErrAmbiguous) || !isUnavailable(err) || time.Now().After(deadline) {
			t.Fatalf("Publish(%s) after the outage: %v", data, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitUnhealthy waits until in's log reports Redis unreachable.
func waitUnhealthy(t *testing.T, in *instance) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for in.log.Healthy() == nil {
		if time.Now().After(deadline) {
			t.Fatal("Healthy() stays nil while Redis is unreachable")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := in.log.Healthy(); !isUnavailable(err) {
		t.Fatalf("Healthy() = %v, want ErrUnavailable", err)
	}
}

// Redis restarts. Without persistence it comes back empty: publishes are
// refused while it is down, then every subscriber gets exactly one reset
// and the events published afterwards, on the stream it never left. With
// AOF (appendfsync always) nothing is lost and nobody is reset.
func TestRedisRestart(t *testing.T) {
	for _, c := range []struct {
		name    string
		persist redistest.Persistence
	}{{"WithoutPersistence", redistest.None}, {"AOFAlways", redistest.AOFAlways}} {
		t.Run(c.name, func(t *testing.T) {
			srv := redistest.Start(t, redistest.Options{Persistence: c.persist})
			name := uniqueName(t)
			a, b := newInstance(t, srv.Addr, name), newInstance(t, srv.Addr, name)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cs := stayConnected(t, ctx, 10, a, b)
			publishAll(t, "p", 10, a, b)
			for _, cl := range cs {
				cl.waitEvents(t, 10)
			}

			srv.Kill()
			if _, err := a.hub.Publish(eventData("refused")); !isUnavailable(err) {
				t.Fatalf("Publish while Redis is down: %v, want ErrUnavailable", err)
			}
			waitUnhealthy(t, a)
			waitUnhealthy(t, b)
			srv.Restart()
			publishWhenBack(t, a, "back")
			publishAll(t, "q", 10, b, a)

			want := append(seq("p", 0, 10), "back")
			want = append(want, seq("q", 0, 10)...)
			for _, cl := range cs {
				wantN := len(want)
				if c.persist == redistest.None {
					wantN++ // the reset
				}
				evs := cl.waitEvents(t, wantN)
				r := resets(evs)
				switch c.persist {
				case redistest.None:
					if len(r) != 1 || r[0].data != "lost" || evs[10].typ != hub.ResetEvent {
						t.Errorf("client %s: resets %v at %v; want one \"lost\" reset after p9", cl.user, r, evs)
					}
				default:
					if len(r) != 0 {
						t.Errorf("client %s: resets %v; want none", cl.user, r)
					}
				}
				if got := datas(evs); !slices.Equal(got, want) {
					t.Errorf("client %s got %v, want %v", cl.user, got, want)
				}
				if cl.connects != 1 {
					t.Errorf("client %s connected %d times; its stream should stay up", cl.user, cl.connects)
				}
			}
		})
	}
}

// A primary fails over to its replica. Without WAIT, events the primary
// acknowledged but had not replicated are lost: every subscriber that
// may have seen them gets one reset, and a client resuming from a lost id
// is reset too, never silently resumed. With WAIT 1, an acknowledged
// event is on the replica: nothing is lost, nobody is reset.
func TestFailover(t *testing.T) {
	t.Run("NoWait", func(t *testing.T) {
		primary := redistest.Start(t, redistest.Options{})
		link := redistest.NewProxy(t, primary.Addr) // replication goes through it
		replica := redistest.Start(t, redistest.Options{ReplicaOf: link.Addr})
		name := uniqueName(t)
		a, b := newInstance(t, primary.Addr, name), newInstance(t, primary.Addr, name)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cs := stayConnected(t, ctx, 4, a, b)
		publishAll(t, "p", 5, a, b)
		if n, err := primary.Do("WAIT", "1", "10000"); err != nil || n != "1" {
			t.Fatalf("WAIT: %q, %v", n, err)
		}
		// Replication stops; the primary acknowledges five more.
		link.Cut()
		publishAll(t, "p", 5, a, b)
		for _, cl := range cs {
			cl.waitEvents(t, 10)
		}
		lostID := cs[0].snapshot()[9].id
		primary.Kill()
		if err := replica.Promote(); err != nil {
			t.Fatal(err)
		}
		a.proxy.Retarget(replica.Addr)
		b.proxy.Retarget(replica.Addr)
		// Every subscriber is told of the loss...
		for _, cl := range cs {
			evs := cl.waitEvents(t, 11)
			if r := resets(evs); len(r) != 1 || evs[10].typ != hub.ResetEvent || r[0].data != "lost" {
				t.Fatalf("client %s: %v; want one \"lost\" reset after the 10 events", cl.user, evs)
			}
		}
		// ... and gets what is published next.
		publishWhenBack(t, a, "q0")
		publish(t, b, "q1")
		for _, cl := range cs {
			evs := cl.waitEvents(t, 13)
			if got := datas(evs[11:]); !slices.Equal(got, []string{"q0", "q1"}) || len(resets(evs)) != 1 {
				t.Errorf("client %s after the reset: %v", cl.user, evs[11:])
			}
			if cl.connects != 1 {
				t.Errorf("client %s connected %d times", cl.user, cl.connects)
			}
		}
		// A client that had a lost event resumes from nowhere it could be
		// mistaken for: it is reset.
		late := newClient("late")
		late.lastID = lostID
		if _, err := late.connect(ctx, b); err != nil {
			t.Fatal(err)
		}
		publish(t, a, "q2")
		evs := late.waitEvents(t, 2)
		if evs[0].typ != hub.ResetEvent || evs[1].data != "q2" {
			t.Errorf("resuming from the lost id %s: %v; want a reset, then q2", lostID, evs)
		}
	})

	t.Run("Wait1", func(t *testing.T) {
		primary := redistest.Start(t, redistest.Options{})
		replica := redistest.Start(t, redistest.Options{ReplicaOf: primary.Addr})
		name := uniqueName(t)
		wait := WithWait(1, 2*time.Second)
		a, b := newInstance(t, primary.Addr, name, wait), newInstance(t, primary.Addr, name, wait)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cs := stayConnected(t, ctx, 4, a, b)
		publishAll(t, "p", 10, a, b) // each acknowledged by the replica too
		primary.Kill()
		if err := replica.Promote(); err != nil {
			t.Fatal(err)
		}
		a.proxy.Retarget(replica.Addr)
		b.proxy.Retarget(replica.Addr)
		// The new primary needs a replica of its own to acknowledge.
		replica2 := redistest.Start(t, redistest.Options{ReplicaOf: replica.Addr})
		publishWhenBack(t, b, "q0")
		publish(t, a, "q1")
		want := append(seq("p", 0, 10), "q0", "q1")
		for _, cl := range cs {
			evs := cl.waitEvents(t, len(want))
			if got := datas(evs); !slices.Equal(got, want) || len(resets(evs)) != 0 {
				t.Errorf("client %s: %v; want %v and no reset", cl.user, evs, want)
			}
		}
		// A replica that cannot acknowledge makes Publish say so.
		replica2.Pause()
		defer replica2.Resume()
		if _, err := a.hub.Publish(eventData("unconfirmed")); !errors.Is(err, ErrNotReplicated) {
			t.Errorf("Publish with a frozen replica: %v, want ErrNotReplicated", err)
		}
	})
}

// An instance cut off from Redis for 5 seconds keeps its streams up
// (heartbeats), reports itself unhealthy, and then catches up: its
// subscribers get every event published meanwhile, in order, without a
// reset.
func TestCutOff(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	name := uniqueName(t)
	a, b := newInstance(t, srv.Addr, name), newInstance(t, srv.Addr, name)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	onB := stayConnected(t, ctx, 5, b)
	publishAll(t, "p", 5, a)
	for _, cl := range onB {
		cl.waitEvents(t, 5)
	}
	b.proxy.Cut()
	cutAt := time.Now()
	waitUnhealthy(t, b)
	if _, err := b.hub.Publish(eventData("refused")); !isUnavailable(err) {
		t.Errorf("Publish on the cut-off instance: %v, want ErrUnavailable", err)
	}
	for i := range 20 {
		publish(t, a, fmt.Sprint("q", i))
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(5*time.Second - time.Since(cutAt))
	b.proxy.Restore()
	want := append(seq("p", 0, 5), seq("q", 0, 20)...)
	for _, cl := range onB {
		evs := cl.waitEvents(t, len(want))
		if got := datas(evs); !slices.Equal(got, want) || len(resets(evs)) != 0 || cl.connects != 1 {
			t.Errorf("client %s (%d connections): %v; want %v", cl.user, cl.connects, evs, want)
		}
	}
	deadline := time.Now().Add(waitFor)
	for b.log.Healthy() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("still unhealthy: %v", b.log.Healthy())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Close returns promptly while Redis is down, whether the Log had reached
// it or never did, and leaves no goroutine behind (TestMain checks).
func TestCloseWhileRedisDown(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	reached, err := New(srv.URL(), WithName(uniqueName(t)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	if err := reached.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	never, err := New(srv.URL(), WithName(uniqueName(t)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := never.Append(ctx, &hub.Entry{AutoID: true, Frame: []byte("data: x\n\n")}); !isUnavailable(err) {
		t.Errorf("Append while Redis is down: %v", err)
	}
	for _, l := range []*Log{reached, never} {
		closed := make(chan error, 1)
		go func() { closed <- l.Close() }()
		select {
		case err := <-closed:
			if err != nil {
				t.Errorf("Close: %v", err)
			}
		case <-time.After(waitFor):
			t.Fatal("Close hangs while Redis is down")
		}
		if _, err := l.Append(ctx, &hub.Entry{Frame: []byte("data: x\n\n")}); !errors.Is(err, hub.ErrClosed) {
			t.Errorf("Append after Close: %v, want hub.ErrClosed", err)
		}
	}
}

// The keys expire after WithTTL without an append: the next append starts
// a new epoch, and subscribers get one reset, then the new events.
func TestKeysExpire(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	name := uniqueName(t)
	a := newInstance(t, srv.Addr, name, WithTTL(300*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cs := stayConnected(t, ctx, 2, a)
	first := publish(t, a, "p0")
	deadline := time.Now().Add(waitFor)
	for {
		n, err := srv.Do("EXISTS", "sse:{"+name+"}:meta")
		if err != nil {
			t.Fatal(err)
		}
		if n == "0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the keys did not expire")
		}
		time.Sleep(50 * time.Millisecond)
	}
	second := publish(t, a, "q0")
	if e1, _ := offsetOf(t, first); strings.HasPrefix(second, e1+"-") {
		t.Errorf("after expiry, id %s is in the old epoch (%s)", second, first)
	}
	for _, cl := range cs {
		evs := cl.waitEvents(t, 3)
		if evs[0].data != "p0" || evs[1].typ != hub.ResetEvent || evs[2].data != "q0" || len(resets(evs)) != 1 {
			t.Errorf("client %s: %v; want p0, one reset, q0", cl.user, evs)
		}
	}
}
