package main

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestPresence follows who is online through tabs opening and closing:
// a new stream is told at once, everyone else at the next snapshot, and
// only when the list changed.
func TestPresence(t *testing.T) {
	rm := start(t, config{})
	alice := joined(t, rm, "alice")
	as := alice.subscribe("")
	as.wantPresence(t, "alice") // its own snapshot, at once

	bob := joined(t, rm, "bob")
	bob1 := bob.subscribe("")
	bob1.wantPresence(t, "alice", "bob")
	rm.flush()
	as.wantPresence(t, "alice", "bob")
	bob1.wantPresence(t, "alice", "bob")

	// A second tab: bob's streams are told, nobody else, and the list
	// has not changed, so the snapshot is not published again.
	bob2 := bob.subscribe("")
	bob2.wantPresence(t, "alice", "bob")
	bob1.wantPresence(t, "alice", "bob")
	rm.flush()
	bob1.close()
	rm.waitStreams(t, "bob", 1)
	rm.flush()
	alice.say("marker 1")
	as.wantMessage(t, "alice", "marker 1") // and no presence before it

	bob2.close()
	rm.waitStreams(t, "bob", 0)
	rm.flush()
	as.wantPresence(t, "alice")

	// Carol comes, dave comes and goes within one interval: one
	// snapshot, as things stand when it is taken.
	carol, dave := joined(t, rm, "carol"), joined(t, rm, "dave")
	carol.subscribe("")
	ds := dave.subscribe("")
	ds.close()
	rm.waitStreams(t, "dave", 0)
	rm.flush()
	as.wantPresence(t, "alice", "carol")
	alice.say("marker 2")
	as.wantMessage(t, "alice", "marker 2")
}

// TestPresenceCrowd is the measurement: 300 people join while one
// observer watches. Presence used to be an event per change to everyone,
// each listing everyone: 300 events and 5.1 MiB for the observer. Now the
// observer is sent one snapshot per interval, however many joined in it.
func TestPresenceCrowd(t *testing.T) {
	rm := start(t, config{})
	observer := joined(t, rm, "observer")
	obs := observer.subscribe("")
	obs.wantPresence(t, "observer")
	start := obs.bytes.Load()

	names := []string{"observer"}
	for i := range 300 {
		name := fmt.Sprintf("guest%03d", i)
		names = append(names, name)
		s := joined(t, rm, name).subscribe("")
		if i == 149 {
			rm.flush() // half of them arrive in one interval, half in the next
		}
		_ = s
	}
	slices.Sort(names)
	rm.flush()

	first := presenceOf(t, obs.next(t))
	if first.Count != 151 {
		t.Errorf("first snapshot lists %d, want 151", first.Count)
	}
	last := obs.next(t)
	if p := presenceOf(t, last); !slices.Equal(p.Online, names) {
		t.Errorf("second snapshot lists %d, want all 301", p.Count)
	}
	observer.say("marker")
	obs.wantMessage(t, "observer", "marker") // nothing else came
	t.Logf("300 joins in 2 intervals: the observer got 2 presence events, %d bytes", last.bytes-start)
}

// TestPresenceCrowdRealTime measures the same on the real clock, with
// the default interval: how many snapshots, and bytes, the observer gets
// depends on how fast the joins come, never more than one per interval.
func TestPresenceCrowdRealTime(t *testing.T) {
	rm := start(t, config{Clock: realClock{}})
	observer := joined(t, rm, "observer")
	obs := observer.subscribe("")
	obs.wantPresence(t, "observer")
	startBytes := obs.bytes.Load()

	begin := time.Now()
	for i := range 300 {
		joined(t, rm, fmt.Sprintf("guest%03d", i)).subscribe("")
	}
	joinTime := time.Since(begin)
	events := 0
	var prev []string
	for {
		ev := obs.next(t)
		p := presenceOf(t, ev)
		events++
		if slices.Equal(p.Online, prev) {
			t.Errorf("snapshot %d repeats the one before", events)
		}
		prev = p.Online
		if p.Count == 301 {
			t.Logf("300 joins in %v: the observer got %d presence events, %d bytes (at most one per %v)",
				joinTime.Round(time.Millisecond), events, ev.bytes-startBytes, rm.cfg.PresenceEvery)
			return
		}
	}
}
