package hub

import (
	"net/http"
	"slices"
)

// A Target narrows the subscribers an event is published to, or, for
// Ephemeral, says how it is published. Several targets must all match.
//
// Targeting fails closed: an empty list of recipients reaches nobody, an
// event for some topics reaches only their subscribers, and a subscriber
// without an ID is never addressed.
type Target func(*Entry)

// Ephemeral publishes an event that is not worth resuming (presence,
// typing indicators, progress): it gets no automatic id and is never
// replayed, so it reaches only the subscribers connected when it is
// published, not clients that reconnect later. An Ephemeral event must not
// have an id: a client would resume from it, and find it missing.
func Ephemeral() Target {
	return func(e *Entry) { e.Ephemeral = true }
}

// To publishes to the subscribers whose ID is one of ids (every stream of
// each), and to no one else. With no ids it reaches nobody: an empty list
// of recipients is never a broadcast. A subscriber with the ID "" (one
// WithSubscriberID or the admission gave no ID) is never reached by To,
// even To(""). Several To targets add up.
func To(ids ...string) Target {
	return func(e *Entry) {
		e.Addressed = true
		e.To = append(e.To, ids...)
	}
}

// Except publishes to every subscriber the other targets reach but those
// whose ID is one of ids. With no ids it excludes nobody. Except("")
// excludes the subscribers without an ID.
func Except(ids ...string) Target {
	return func(e *Entry) { e.Except = append(e.Except, ids...) }
}

// Topics publishes to the subscribers of one of topics (see WithTopics),
// and to those that asked for every topic (AllTopics); not to a subscriber
// without topics. With no topics it reaches nobody, as To does. Several
// Topics targets add up.
func Topics(topics ...string) Target {
	return func(e *Entry) {
		e.Topical = true
		e.Topics = append(e.Topics, topics...)
	}
}

// allTopics is the slice AllTopics returns: its first element's address
// tells it apart from any other list of topics.
var allTopics = []string{"*"}

// AllTopics returns the topics of a subscriber that receives the events of
// every topic; use it with WithTopics, or set it as Subscriber.Topics in
// the admission function. Only the slice AllTopics returns has this
// meaning: a list of topics holding the same string, built from a request
// or copied, is a list of one ordinary topic, so that a client cannot ask
// for every topic by naming one.
func AllTopics(*http.Request) []string { return allTopics[:1:1] }

// isAllTopics reports whether topics is the slice AllTopics returns.
func isAllTopics(topics []string) bool {
	return len(topics) > 0 && &topics[0] == &allTopics[0]
}

// wants reports whether the subscriber s is to be sent the entry e.
func (s *subscriber) wants(e *Entry) bool {
	if e.Ephemeral && e.Pos <= s.replayEnd {
		return false // published before s connected: not replayed
	}
	if e.Addressed && (s.ID == "" || !slices.Contains(e.To, s.ID)) {
		return false
	}
	if len(e.Except) > 0 && slices.Contains(e.Except, s.ID) {
		return false
	}
	if !e.Topical && len(e.Topics) == 0 {
		return true
	}
	if s.all {
		return len(e.Topics) > 0
	}
	for _, t := range s.Topics {
		if slices.Contains(e.Topics, t) {
			return true
		}
	}
	return false
}
