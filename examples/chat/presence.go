package main

import (
	"slices"
	"sync"
	"time"
)

// presenceData is the data of a "presence" event: who is online, each
// name once however many tabs it has open.
type presenceData struct {
	Online []string `json:"online"`
	Count  int      `json:"count"`
}

// presence tells everyone who is online, as a snapshot published at most
// once an interval. A stream starting or ending arms a timer, unless one
// is armed already; when it fires, the list of that moment is published,
// once, however many people came and went meanwhile, and not at all if
// they were the same people. An event per join or leave, to everybody,
// would cost each observer an event per change, each listing up to
// everyone: 300 people joining at once sent each of them 300 events and
// 5.1 MiB.
//
// A stream that starts is sent the current list straight away, addressed
// to it alone (snapshotTo), so that it needs no broadcast to learn who is
// there.
//
// Every snapshot is published under mu, so they go out in the order they
// were taken.
type presence struct {
	every   time.Duration
	clock   clock
	list    func() []string                 // who is online now
	publish func(p presenceData, to string) // to "" is everyone

	mu     sync.Mutex
	armed  func() bool // stops the armed timer; nil when none is
	last   []string    // the list last broadcast
	closed bool
	timers sync.WaitGroup // an armed or running timer
}

// changed notes that someone may have come or gone.
func (p *presence) changed() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.armed != nil {
		return
	}
	p.timers.Add(1)
	p.armed = p.clock.AfterFunc(p.every, p.broadcast)
}

// broadcast publishes the list to everyone, if it changed since the last
// time.
func (p *presence) broadcast() {
	defer p.timers.Done()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed = nil
	if p.closed {
		return
	}
	online := p.list()
	if p.last != nil && slices.Equal(online, p.last) {
		return
	}
	p.last = online
	p.publish(presenceData{Online: online, Count: len(online)}, "")
}

// snapshotTo publishes the list to the subscriber with id alone.
func (p *presence) snapshotTo(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	online := p.list()
	p.publish(presenceData{Online: online, Count: len(online)}, id)
}

// close stops publishing, and waits for a timer that is firing.
func (p *presence) close() {
	p.mu.Lock()
	p.closed = true
	if p.armed != nil && p.armed() {
		p.timers.Done()
	}
	p.armed = nil
	p.mu.Unlock()
	p.timers.Wait()
}
