package main

import (
	"cmp"
	"crypto/rand"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// What the session store refuses, answered with 403, 409 and 503.
var (
	errNoSession = errors.New("not in the room: join first")
	errNameTaken = errors.New("name is taken: pick another")
	errRoomFull  = errors.New("the room is full: try again later")
)

// sessionLimits bounds what sessions may do.
type sessionLimits struct {
	max   int           // sessions at once
	idle  time.Duration // how long a session lives with no stream open
	rate  float64       // posts a second, per session, sustained
	burst int           // posts at once, per session, after a pause
}

// sessions binds names to browsers. Joining creates a session: a random
// token, which the browser keeps in an HttpOnly cookie, bound here to the
// name. Posts carry the cookie, and a post's name is its session's, never
// one the request states: without someone's token nobody can post under
// their name.
//
// Invariants, under mu:
//   - every session is in byToken, in byID, and in byName under the fold
//     of its name; nothing else is;
//   - no two sessions have names with the same fold: "Alice" and "alice"
//     are one name;
//   - there are at most limits.max sessions.
//
// A session ends when it leaves, or once it has had no event stream open
// for limits.idle (its tabs were closed); its name is then free again.
// Expired sessions are removed when next looked up, or when the room is
// full, so no goroutine sweeps them.
type sessions struct {
	limits sessionLimits
	clock  clock

	mu      sync.Mutex
	byToken map[string]*session
	byID    map[string]*session
	byName  map[string]*session
	seq     uint64 // sessions ever created, to make ids
}

type session struct {
	token     string    // the secret in the cookie
	id        string    // the hub's subscriber ID: not secret, never reused
	name      string    // as the user wrote it
	streams   int       // event streams open
	idleSince time.Time // when streams last became 0
	posts     bucket    // the post rate limit
}

// member is what callers learn of a session.
type member struct{ token, id, name string }

func newSessions(limits sessionLimits, c clock) *sessions {
	return &sessions{
		limits:  limits,
		clock:   c,
		byToken: map[string]*session{},
		byID:    map[string]*session{},
		byName:  map[string]*session{},
	}
}

// foldName is the key names are unique under.
func foldName(name string) string { return strings.ToLower(name) }

// join starts a session named name for the browser holding token (empty
// for none). A browser already in a session under that name keeps it; one
// in a session under another name leaves it, and ended is that session.
// The name must not be another live session's.
func (ss *sessions) join(name, token string) (m, ended member, err error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := ss.clock.Now()
	key := foldName(name)
	old := ss.get(token, now)
	if old != nil && foldName(old.name) == key {
		return old.member(), member{}, nil
	}
	// Check everything before changing anything: a refused join leaves
	// the browser in the session it had.
	if other := ss.byName[key]; other != nil && ss.expired(other, now) {
		ss.remove(other)
	} else if other != nil {
		return member{}, member{}, errNameTaken
	}
	if old == nil && len(ss.byToken) >= ss.limits.max {
		ss.sweep(now)
		if len(ss.byToken) >= ss.limits.max {
			return member{}, member{}, errRoomFull
		}
	}
	if old != nil {
		ended = old.member()
		ss.remove(old)
	}
	ss.seq++
	s := &session{
		token:     rand.Text(), // 128 random bits from crypto/rand
		id:        "s" + strconv.FormatUint(ss.seq, 10),
		name:      name,
		idleSince: now,
	}
	ss.byToken[s.token] = s
	ss.byID[s.id] = s
	ss.byName[key] = s
	return s.member(), ended, nil
}

// lookup returns the session of token.
func (ss *sessions) lookup(token string) (member, error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.get(token, ss.clock.Now())
	if s == nil {
		return member{}, errNoSession
	}
	return s.member(), nil
}

// post counts a post of the session of token against its rate limit. When
// the limit is reached it returns how long until the next post is allowed.
func (ss *sessions) post(token string) (m member, wait time.Duration, err error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := ss.clock.Now()
	s := ss.get(token, now)
	if s == nil {
		return member{}, 0, errNoSession
	}
	return s.member(), s.posts.take(now, ss.limits.rate, ss.limits.burst), nil
}

// leave ends the session of token, and returns it.
func (ss *sessions) leave(token string) (member, error) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.get(token, ss.clock.Now())
	if s == nil {
		return member{}, errNoSession
	}
	ss.remove(s)
	return s.member(), nil
}

// streamStarted counts a stream of the session with id; it reports false
// when that session has ended.
func (ss *sessions) streamStarted(id string) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.byID[id]
	if s == nil {
		return false
	}
	if ss.expired(s, ss.clock.Now()) {
		ss.remove(s)
		return false
	}
	s.streams++
	return true
}

// streamEnded counts the end of a stream of the session with id.
func (ss *sessions) streamEnded(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.byID[id]
	if s == nil {
		return
	}
	if s.streams--; s.streams == 0 {
		s.idleSince = ss.clock.Now()
	}
}

// online returns the names of the sessions with a stream open, sorted
// ignoring case.
func (ss *sessions) online() []string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	names := []string{}
	for _, s := range ss.byID {
		if s.streams > 0 {
			names = append(names, s.name)
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(foldName(a), foldName(b)), cmp.Compare(a, b))
	})
	return names
}

// get returns the live session of token, or nil. ss.mu is held.
func (ss *sessions) get(token string, now time.Time) *session {
	s := ss.byToken[token]
	if s != nil && ss.expired(s, now) {
		ss.remove(s)
		return nil
	}
	return s
}

func (ss *sessions) expired(s *session, now time.Time) bool {
	return s.streams == 0 && now.Sub(s.idleSince) >= ss.limits.idle
}

// sweep removes every expired session. ss.mu is held.
func (ss *sessions) sweep(now time.Time) {
	for _, s := range ss.byID {
		if ss.expired(s, now) {
			ss.remove(s)
		}
	}
}

// remove removes s. ss.mu is held.
func (ss *sessions) remove(s *session) {
	delete(ss.byToken, s.token)
	delete(ss.byID, s.id)
	delete(ss.byName, foldName(s.name))
}

func (s *session) member() member { return member{s.token, s.id, s.name} }
