// Package hub is the server side of server-sent events: a [Hub] is an
// [net/http.Handler] whose every request becomes a subscriber to a stream
// of events that the program publishes.
//
//	h := hub.New(hub.WithReplay(1000, 0), hub.WithAutoIDs())
//	http.Handle("/events", h)
//	...
//	id, err := h.Publish(sse.Event{Type: "price", Data: `{"AAPL":189.5}`})
//	h.Publish(sse.Event{Data: "hi bob"}, hub.To("bob"))
//
// Events go to every subscriber, to chosen subscriber IDs ([To]), to all
// but some ([Except]) or to topics ([Topics]). Targeting fails closed: an
// empty list of recipients reaches nobody, an event for topics reaches
// only their subscribers (and those that asked for [AllTopics]), and a
// subscriber without an ID is never addressed. An admission function
// ([WithAdmission]) authenticates requests before anything is sent.
//
// # The data path
//
// Publish encodes an event once, with the fastsse [sse.Writer], and
// appends it to the Hub's [Log], an ordered window of events that is also
// the replay buffer, bounded by count, age and bytes; it costs the same
// whatever the number of subscribers. Each subscriber is a cursor into the
// log. A few writer goroutines (GOMAXPROCS) serve all subscribers: each
// gets everything it lacks, filtered by its targets, in one non-blocking
// write, so that under load many events share a system call. An HTTP/1.x
// connection is taken over after admission ([WithTakeover]): the Hub
// writes the response itself and keeps no goroutine or buffer of net/http
// per subscriber. HTTP/2, TLS and response writers that cannot be hijacked
// are served by a goroutine per stream, from the same log.
//
// A reconnecting client resumes from its Last-Event-ID ([WithReplay]) with
// exactly the events it missed; when its id can no longer be resumed from,
// it is sent a [ResetEvent] instead of silently missing events.
//
// Publishing never waits for a subscriber. One whose socket is full is
// set aside until it drains; it is slow only when its socket stays full
// past the write timeout ([WithWriteTimeout]), or when it falls so far
// behind that its events left the log ([WithQueue]): it is then
// disconnected (the default) or, with [DropOldest], sent a [ResetEvent]
// and the oldest events kept. The Hub's own delays never count against a
// subscriber. Idle streams carry heartbeat comments ([WithHeartbeat]) so
// that proxies keep them open; they also tell the Hub of clients that
// went away. [Hub.Stats] reports what the Hub does.
//
// A Hub ends its streams with [Hub.Close]; [Hub.CloseOnShutdown] ties
// that to an [net/http.Server]'s Shutdown. The log is an interface so that
// several instances can share one ([WithLog]); [NewMemoryLog] is the
// default, and package logtest checks other implementations.
package hub
