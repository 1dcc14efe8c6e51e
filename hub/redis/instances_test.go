package redis

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fastsse/sse/hub"
	"github.com/fastsse/sse/hub/redis/redistest"
)

// Three instances on one Redis, 50 clients that keep reconnecting to a
// random one with their Last-Event-ID while events are published on all
// three: every client gets every event, once, in one order, with no reset.
func TestInstancesOneOrder(t *testing.T) {
	const instances, clients, perInstance = 3, 50, 100
	srv := redistest.Start(t, redistest.Options{})
	name := uniqueName(t)
	var ins []*instance
	for range instances {
		ins = append(ins, newInstance(t, srv.Addr, name))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	cs := make([]*client, clients)
	firstStop := make([]func(), clients)
	for i := range cs {
		cs[i] = newClient(fmt.Sprint("u", i))
		cctx, ccancel := context.WithCancel(ctx)
		done, err := cs[i].connect(cctx, ins[i%instances])
		if err != nil {
			t.Fatal(err)
		}
		firstStop[i] = func() { ccancel(); <-done }
	}
	waitClients(t, clients, ins...)
	// Every client has an id to resume from before it first reconnects.
	startID := publish(t, ins[0], "start")
	for _, c := range cs {
		c.waitEvents(t, 1)
	}

	// Clients reconnect to random instances until they have everything.
	total := 1 + instances*perInstance
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Go(func() {
			firstStop[i]()
			for {
				if len(c.snapshot()) >= total {
					return
				}
				cctx, ccancel := context.WithCancel(ctx)
				done, err := c.connect(cctx, ins[rand.IntN(instances)])
				if err != nil {
					ccancel()
					if ctx.Err() != nil {
						return
					}
					continue
				}
				select {
				case <-time.After(time.Duration(20+rand.IntN(100)) * time.Millisecond):
				case <-done:
				case <-ctx.Done():
				}
				ccancel()
				if done != nil {
					<-done
				}
				if ctx.Err() != nil {
					return
				}
			}
		})
	}

	// Publish on every instance at once; remember what each id is.
	acked := map[string]string{startID: "start"}
	var mu sync.Mutex
	var pw sync.WaitGroup
	for i, in := range ins {
		pw.Go(func() {
			for k := range perInstance {
				data := fmt.Sprintf("i%d-%d", i, k)
				id, err := in.hub.Publish(eventData(data))
				if err != nil {
					t.Errorf("Publish: %v", err)
					return
				}
				mu.Lock()
				acked[id] = data
				mu.Unlock()
			}
		})
	}
	pw.Wait()

	finished := make(chan struct{})
	go func() {
		wg.Wait()
		close(finished)
	}()
	select {
	case <-finished:
	case <-time.After(2 * waitFor):
		cancel()
		<-finished
		t.Fatal("clients did not get every event")
	}

	// One order: every client's ids are the same consecutive offsets, and
	// each id carries what was published with it.
	epoch, first := offsetOf(t, startID)
	reconnects := 0
	for _, c := range cs {
		evs := c.snapshot()
		if r := resets(evs); len(r) > 0 {
			t.Errorf("client %s got resets: %v", c.user, r)
		}
		if len(evs) != total {
			t.Errorf("client %s: %d events, want %d (duplicates?)", c.user, len(evs), total)
		}
		for k, e := range evs {
			ep, off := offsetOf(t, e.id)
			if ep != epoch || off != first+uint64(k) {
				t.Logf("client %s events: %v", c.user, evs[:min(len(evs), 12)])
				t.Fatalf("client %s: event %d has id %s, want %s-%d", c.user, k, e.id, epoch, first+uint64(k))
			}
			if acked[e.id] != e.data {
				t.Fatalf("client %s: id %s with data %q, published with %q", c.user, e.id, e.data, acked[e.id])
			}
		}
		reconnects += c.connects - 1
	}
	t.Logf("%d clients, %d events each, %d reconnections across %d instances", clients, total, reconnects, instances)
}

// A client resumes on another instance: one that is behind the client's
// id waits for it instead of resetting; one whose id was trimmed gets
// exactly one reset; events addressed to others never reach it, and its
// own do.
func TestResumeOnAnotherInstance(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	name := uniqueName(t)
	a := newInstance(t, srv.Addr, name)
	b := newInstance(t, srv.Addr, name)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	t.Run("Lagging", func(t *testing.T) {
		ann := newClient("ann")
		actx, acancel := context.WithCancel(ctx)
		done, err := ann.connect(actx, a)
		if err != nil {
			t.Fatal(err)
		}
		waitClients(t, 1, a)
		// b cannot read Redis: it falls behind a.
		b.proxy.Cut()
		publish(t, a, "x0")
		publish(t, a, "x1", hub.To("ann"))
		publish(t, a, "x2", hub.To("bob"))
		publish(t, a, "x3")
		ann.waitEvents(t, 3)
		acancel()
		<-done
		// ann reconnects to b with an id b has not applied; b catches up
		// while she waits.
		reconnected := make(chan error, 1)
		go func() {
			_, err := ann.connect(ctx, b)
			reconnected <- err
		}()
		time.Sleep(300 * time.Millisecond) // let her wait on b for a while
		b.proxy.Restore()
		if err := <-reconnected; err != nil {
			t.Fatal(err)
		}
		publish(t, a, "x4", hub.To("bob"))
		publish(t, a, "x5", hub.To("ann"))
		// x5 comes after x4: once she has it, x4 was not for her.
		evs := ann.waitEvents(t, 4)
		if want := []string{"x0", "x1", "x3", "x5"}; !slices.Equal(datas(evs), want) || len(resets(evs)) != 0 {
			t.Fatalf("ann got %v, want %v and no reset", evs, want)
		}
	})

	t.Run("Trimmed", func(t *testing.T) {
		name := uniqueName(t)
		lim := hub.WindowLimits{Entries: 5, Resumable: 5}
		a := newInstance(t, srv.Addr, name, WithWindow(lim))
		b := newInstance(t, srv.Addr, name, WithWindow(lim))
		carl := newClient("carl")
		cctx, ccancel := context.WithCancel(ctx)
		done, err := carl.connect(cctx, a)
		if err != nil {
			t.Fatal(err)
		}
		waitClients(t, 1, a)
		publish(t, a, "y0")
		carl.waitEvents(t, 1)
		ccancel()
		<-done
		for i := range 10 {
			publish(t, a, fmt.Sprint("z", i))
		}
		// b's window holds the last 5 only.
		waitApplied(t, b, 11)
		if _, err := carl.connect(ctx, b); err != nil {
			t.Fatal(err)
		}
		waitClients(t, 1, b)
		publish(t, a, "after")
		evs := carl.waitEvents(t, 3)
		r := resets(evs)
		if len(r) != 1 || r[0].data != "replay" || evs[1].typ != hub.ResetEvent || evs[2].data != "after" || len(evs) != 3 {
			t.Fatalf("carl got %v; want y0, one replay reset, after", evs)
		}
		// The reset carries the newest id, from which a later reconnection
		// resumes.
		if _, off := offsetOf(t, r[0].id); off != 11 {
			t.Errorf("reset id %q, want the newest (offset 11)", r[0].id)
		}
	})
}

// waitApplied waits until in's log has applied offset off.
func waitApplied(t *testing.T, in *instance, off uint64) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		in.log.mu.Lock()
		applied := in.log.applied
		in.log.mu.Unlock()
		if applied >= off {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("applied %d, want %d", applied, off)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Ephemeral events and Disconnect cross instances over PUB/SUB: an
// ephemeral event published on one instance reaches the subscribers of
// the others, after the stored events published before it, and is not
// replayed; Disconnect on one instance ends the streams of those ids on
// every instance.
func TestEphemeralAndDisconnectAcrossInstances(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	name := uniqueName(t)
	a, b := newInstance(t, srv.Addr, name), newInstance(t, srv.Addr, name)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ann, bob := newClient("ann"), newClient("bob")
	annDone, err := ann.connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bob.connect(ctx, b); err != nil {
		t.Fatal(err)
	}
	waitClients(t, 2, b)
	stored := publish(t, a, "stored")
	if _, err := a.hub.Publish(eventData("typing"), hub.Ephemeral()); err != nil {
		t.Fatal(err)
	}
	publish(t, a, "after")
	// "typing" comes after "stored", which its publisher had published
	// before it; PUB/SUB and the stream are two paths, so "after" may
	// overtake it.
	for _, c := range []*client{ann, bob} {
		evs := c.waitEvents(t, 3)
		got := datas(evs)
		if got[0] != "stored" || !slices.Contains(got, "typing") || !slices.Contains(got, "after") || len(got) != 3 {
			t.Errorf("%s got %v", c.user, evs)
		}
	}
	// Not replayed: a client resuming after "stored" gets "after" only.
	late := newClient("late")
	late.lastID = stored
	if _, err := late.connect(ctx, a); err != nil {
		t.Fatal(err)
	}
	if evs := late.waitEvents(t, 1); evs[0].data != "after" {
		t.Errorf("resumed after %s: %v", stored, evs)
	}

	a.hub.Disconnect("ann")
	select {
	case <-annDone:
	case <-time.After(waitFor):
		t.Fatal("Disconnect on a did not end ann's stream on b")
	}
	waitClients(t, 1, b) // bob stays
}
