// Package logtest checks that an implementation of hub.Log behaves as the
// hub relies on. Every Log runs it: the in-memory one in package hub, an
// engine in its own module.
//
//	func TestConformance(t *testing.T) {
//		logtest.Run(t, func(t *testing.T, lim hub.WindowLimits) hub.Log {
//			return mylog.New(..., lim)
//		})
//	}
//
// The constructor returns a new, empty log (for a shared store: under a
// name no other test uses) whose window is bounded by lim; Run closes it.
package logtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastsse/sse/hub"
)

// wait bounds every wait for a log to apply what was appended; it is
// never what a test asserts.
const wait = 10 * time.Second

// Run runs the conformance tests as subtests of t.
func Run(t *testing.T, newLog func(t *testing.T, lim hub.WindowLimits) hub.Log) {
	lim := hub.WindowLimits{Entries: 100, Resumable: 100}
	open := func(t *testing.T, lim hub.WindowLimits) (hub.Log, *listener) {
		l := newLog(t, lim)
		li := newListener()
		l.Listen(li)
		t.Cleanup(func() {
			if err := l.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return l, li
	}
	t.Run("Empty", func(t *testing.T) {
		l, _ := open(t, lim)
		if first, last := l.Bounds(); first != last+1 {
			t.Errorf("empty log: Bounds %d, %d; want first = last+1", first, last)
		}
		if got, err := l.Read(0, nil, 10); err != nil || len(got) != 0 {
			t.Errorf("Read of an empty log: %d entries, %v", len(got), err)
		}
		if r := l.Resolve("nope"); r.Res != hub.Unknown || r.NewestID != "" {
			t.Errorf("Resolve in an empty log: %+v, want Unknown without an id", r)
		}
	})
	for _, c := range []struct {
		name string
		lim  hub.WindowLimits
		test func(*testing.T, hub.Log, *listener)
	}{
		{"AppendRead", lim, testAppendRead},
		{"Targets", lim, testTargets},
		{"Ephemeral", lim, testEphemeral},
		{"Resolve", lim, testResolve},
		{"Resumable", hub.WindowLimits{Entries: 100, Resumable: 2}, testResumable},
		{"Trimmed", hub.WindowLimits{Entries: 3, Resumable: 3}, testTrimmed},
		{"Bytes", hub.WindowLimits{Entries: 100, Bytes: 4096, Resumable: 100}, testBytes},
		{"Disconnect", lim, testDisconnect},
		{"Concurrent", hub.WindowLimits{Entries: 1000, Resumable: 1000}, testConcurrent},
	} {
		t.Run(c.name, func(t *testing.T) {
			l, li := open(t, c.lim)
			c.test(t, l, li)
		})
	}
}

// listener records what a log tells it.
type listener struct {
	appended chan struct{}
	mu       sync.Mutex
	kicked   [][]string
	lost     []uint64
}

func newListener() *listener { return &listener{appended: make(chan struct{}, 1)} }

func (l *listener) Appended() {
	select {
	case l.appended <- struct{}{}:
	default:
	}
}

func (l *listener) Lost(at uint64) {
	l.mu.Lock()
	l.lost = append(l.lost, at)
	l.mu.Unlock()
}

func (l *listener) Disconnect(ids []string) {
	l.mu.Lock()
	l.kicked = append(l.kicked, slices.Clone(ids))
	l.mu.Unlock()
}

// frame encodes an event with data d the way the hub does (no id line).
func frame(d string) []byte { return []byte("data: " + d + "\n\n") }

// appendN appends n auto-id entries with data prefix+i and returns their
// ids.
func appendN(t *testing.T, l hub.Log, prefix string, n int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		e := &hub.Entry{AutoID: true, Frame: frame(fmt.Sprint(prefix, i)), At: time.Now()}
		id, err := l.Append(context.Background(), e)
		if err != nil {
			t.Fatalf("Append: %v", err)
		}
		if id == "" {
			t.Fatal("Append of an AutoID entry returned no id")
		}
		ids = append(ids, id)
	}
	return ids
}

// readAll waits until the window holds entries up to the n-th appended
// since after, and returns those after after.
func readAll(t *testing.T, l hub.Log, after uint64, n int) []hub.Entry {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		got, err := l.Read(after, nil, 1<<20)
		if err != nil {
			t.Fatalf("Read after %d: %v", after, err)
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d entries readable after %d, want %d", len(got), after, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func testAppendRead(t *testing.T, l hub.Log, li *listener) {
	_, last0 := l.Bounds()
	ids := appendN(t, l, "a", 3)
	own, err := l.Append(context.Background(), &hub.Entry{ID: "mine", Frame: []byte("id: mine\ndata: own\n\n"), At: time.Now()})
	if err != nil || own != "mine" {
		t.Fatalf("Append of an entry with an id: %q, %v", own, err)
	}
	select {
	case <-li.appended:
	case <-time.After(wait):
		t.Fatal("Listener.Appended not called")
	}
	got := readAll(t, l, last0, 4)
	if len(got) != 4 {
		t.Fatalf("%d entries, want 4", len(got))
	}
	for i, e := range got {
		if e.Pos != last0+1+uint64(i) {
			t.Errorf("entry %d at position %d, want %d", i, e.Pos, last0+1+uint64(i))
		}
	}
	for i, id := range ids {
		e := got[i]
		if e.ID != id {
			t.Errorf("entry %d has id %q, Append returned %q", i, e.ID, id)
		}
		want := "id: " + id + "\n" + string(frame(fmt.Sprint("a", i)))
		if !hasField(e.Frame, "id: "+id) || !bytes.HasSuffix(e.Frame, frame(fmt.Sprint("a", i))) || len(e.Frame) != len(want) {
			t.Errorf("entry %d frame %q, want its id line and the data (%q)", i, e.Frame, want)
		}
	}
	if got[3].ID != "mine" || string(got[3].Frame) != "id: mine\ndata: own\n\n" {
		t.Errorf("an entry with its own id came back as %q %q", got[3].ID, got[3].Frame)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		t.Errorf("ids not unique: %q", ids)
	}
	first, last := l.Bounds()
	if last != got[3].Pos || first > got[0].Pos {
		t.Errorf("Bounds %d, %d; entries at %d..%d", first, last, got[0].Pos, got[3].Pos)
	}
	if two, err := l.Read(last0, nil, 2); err != nil || len(two) != 2 || two[0].Pos != last0+1 {
		t.Errorf("Read with max 2: %d entries, %v", len(two), err)
	}
	if none, err := l.Read(last, nil, 10); err != nil || len(none) != 0 {
		t.Errorf("Read after the newest: %d entries, %v", len(none), err)
	}
}

// hasField reports whether frame has the line line.
func hasField(frame []byte, line string) bool {
	for l := range strings.SplitSeq(string(frame), "\n") {
		if l == line {
			return true
		}
	}
	return false
}

func testTargets(t *testing.T, l hub.Log, _ *listener) {
	_, last0 := l.Bounds()
	in := []hub.Entry{
		{Addressed: true, Frame: frame("nobody")},
		{Addressed: true, To: []string{"ann", "bob"}, Frame: frame("to")},
		{Except: []string{"carl"}, Topics: []string{"t1", "t2"}, Frame: frame("except")},
		{Topical: true, Frame: frame("no topic")},
		{Frame: frame("all")},
	}
	for i := range in {
		in[i].At = time.Now()
		if _, err := l.Append(context.Background(), &in[i]); err != nil {
			t.Fatal(err)
		}
	}
	got := readAll(t, l, last0, len(in))
	for i, e := range got {
		w := in[i]
		if e.Addressed != w.Addressed || !slices.Equal(e.To, w.To) || !slices.Equal(e.Except, w.Except) ||
			e.Topical != w.Topical || !slices.Equal(e.Topics, w.Topics) {
			t.Errorf("entry %d: targets Addressed %v To %q Except %q Topical %v Topics %q, appended %v %q %q %v %q",
				i, e.Addressed, e.To, e.Except, e.Topical, e.Topics, w.Addressed, w.To, w.Except, w.Topical, w.Topics)
		}
		if !bytes.Equal(e.Frame, w.Frame) || e.At.IsZero() {
			t.Errorf("entry %d: frame %q (at %v), appended %q", i, e.Frame, e.At, w.Frame)
		}
	}
}

func testEphemeral(t *testing.T, l hub.Log, _ *listener) {
	_, last0 := l.Bounds()
	ids := appendN(t, l, "kept", 1)
	id, err := l.Append(context.Background(), &hub.Entry{AutoID: true, Ephemeral: true, Frame: frame("presence"), At: time.Now()})
	if err != nil || id != "" {
		t.Fatalf("Append of an Ephemeral entry: id %q, %v; want no id", id, err)
	}
	got := readAll(t, l, last0, 2)
	if !got[1].Ephemeral || got[1].ID != "" || hasField(got[1].Frame, "id: ") || got[1].Pos != got[0].Pos+1 {
		t.Errorf("Ephemeral entry read back as %+v", got[1])
	}
	// Resuming after the kept entry is still possible, and the reset of
	// an unknown id carries the kept one's, not the Ephemeral's.
	if r := l.Resolve(ids[0]); r.Res != hub.Found || r.Pos != got[0].Pos {
		t.Errorf("Resolve(kept) after an Ephemeral entry: %+v", r)
	}
	if r := l.Resolve("unknown"); r.Res != hub.Unknown || r.NewestID != ids[0] || r.Pos != got[1].Pos {
		t.Errorf("Resolve(unknown): %+v; want Unknown, newest id %q, position %d", r, ids[0], got[1].Pos)
	}
}

func testResolve(t *testing.T, l hub.Log, _ *listener) {
	_, last0 := l.Bounds()
	ids := appendN(t, l, "r", 5)
	got := readAll(t, l, last0, 5)
	for i, id := range ids {
		if r := l.Resolve(id); r.Res != hub.Found || r.Pos != got[i].Pos {
			t.Errorf("Resolve(%q) = %+v, want Found at %d", id, r, got[i].Pos)
		}
	}
	_, last := l.Bounds()
	for _, id := range []string{"", "never-given", ids[0] + "x", strings.Repeat("z", 1000)} {
		if r := l.Resolve(id); r.Res != hub.Unknown || r.Pos != last || r.NewestID != ids[4] {
			t.Errorf("Resolve(%.20q) = %+v; want Unknown at %d with newest id %q", id, r, last, ids[4])
		}
	}
}

func testResumable(t *testing.T, l hub.Log, _ *listener) {
	_, last0 := l.Bounds()
	ids := appendN(t, l, "r", 3)
	readAll(t, l, last0, 3)
	if r := l.Resolve(ids[0]); r.Res != hub.Unknown || r.NewestID != ids[2] {
		t.Errorf("Resolve of the third newest, 2 resumable: %+v; want Unknown with newest %q", r, ids[2])
	}
	for _, id := range ids[1:] {
		if r := l.Resolve(id); r.Res != hub.Found {
			t.Errorf("Resolve(%q) of the 2 newest: %+v", id, r)
		}
	}
	// The window still holds the older one for readers.
	if got, err := l.Read(last0, nil, 10); err != nil || len(got) != 3 {
		t.Errorf("Read: %d entries, %v; want the 3", len(got), err)
	}
}

func testTrimmed(t *testing.T, l hub.Log, _ *listener) {
	_, last0 := l.Bounds()
	ids := appendN(t, l, "t", 5)
	readAll(t, l, last0+2, 3)
	first, last := l.Bounds()
	if last-first+1 != 3 || last != last0+5 {
		t.Errorf("Bounds %d, %d; want the 3 newest of %d..%d", first, last, last0+1, last0+5)
	}
	if _, err := l.Read(last0, nil, 10); !errors.Is(err, hub.ErrTrimmed) {
		t.Errorf("Read after a trimmed position: %v, want ErrTrimmed", err)
	}
	if got, err := l.Read(first-1, nil, 10); err != nil || len(got) != 3 {
		t.Errorf("Read after first-1: %d entries, %v", len(got), err)
	}
	if r := l.Resolve(ids[0]); r.Res != hub.Unknown || r.NewestID != ids[4] {
		t.Errorf("Resolve of a trimmed id: %+v", r)
	}
}

func testBytes(t *testing.T, l hub.Log, _ *listener) {
	_, last0 := l.Bounds()
	big := strings.Repeat("x", 1000)
	for i := range 10 {
		if _, err := l.Append(context.Background(), &hub.Entry{AutoID: true, Frame: frame(big + fmt.Sprint(i)), At: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(wait)
	for {
		first, last := l.Bounds()
		if last == last0+10 {
			if n := last - first + 1; n > 4 || n < 1 {
				t.Errorf("%d entries of 1 KB kept under a 4096-byte bound", n)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("newest position %d, want %d", last, last0+10)
		}
		time.Sleep(time.Millisecond)
	}
}

func testDisconnect(t *testing.T, l hub.Log, li *listener) {
	if err := l.Disconnect(context.Background(), []string{"ann", "bob"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(wait)
	for {
		li.mu.Lock()
		kicked := slices.Clone(li.kicked)
		li.mu.Unlock()
		if len(kicked) > 0 {
			if len(kicked) != 1 || !slices.Equal(kicked[0], []string{"ann", "bob"}) {
				t.Errorf("Listener.Disconnect calls %q, want one with [ann bob]", kicked)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("Listener.Disconnect not called")
		}
		time.Sleep(time.Millisecond)
	}
}

func testConcurrent(t *testing.T, l hub.Log, _ *listener) {
	_, last0 := l.Bounds()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				if _, err := l.Append(context.Background(), &hub.Entry{AutoID: true, Frame: frame(fmt.Sprint(g, "-", i)), At: time.Now()}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	got := readAll(t, l, last0, 200)
	seen := map[string]bool{}
	for i, e := range got {
		if e.Pos != last0+1+uint64(i) {
			t.Fatalf("entry %d at position %d: positions not contiguous", i, e.Pos)
		}
		if seen[e.ID] {
			t.Fatalf("id %q twice", e.ID)
		}
		seen[e.ID] = true
	}
}
