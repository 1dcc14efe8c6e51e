// Package hub is the server side of server-sent events: a [Hub] is an
// [net/http.Handler] whose every request becomes a subscriber to a stream
// of events that the program publishes.
//
//	h := hub.New(hub.WithReplay(1000, 0), hub.WithAutoIDs())
//	http.Handle("/events", h)
//	...
//	h.Publish(sse.Event{Type: "price", Data: `{"AAPL":189.5}`})
//	h.Publish(sse.Event{Data: "hi bob"}, hub.To("bob"))
//
// Events go to every subscriber, to chosen subscriber IDs ([To]), to all
// but some ([Except]) or to topics ([Topics]); each is encoded once, with
// the fastsse [sse.Writer], however many subscribers it goes to.
//
// A replay buffer ([WithReplay]) lets a client that reconnects with
// Last-Event-ID resume exactly where it left off. When its id is no longer
// in the buffer, the client is sent a [ResetEvent] instead of silently
// missing events.
//
// Publishing never waits for a subscriber: each has a bounded queue, and a
// subscriber too slow to keep up is disconnected (the default) or, with
// [DropOldest], loses its oldest queued events and is sent a [ResetEvent].
// Idle streams carry heartbeat comments ([WithHeartbeat]) so that proxies
// keep them open.
package hub
