// Package redis puts a hub's log on Redis Streams, so that several
// instances of a server, behind a load balancer, serve one stream of
// events: what is published on any instance reaches the subscribers of
// every instance, in one order, with the same id, and a browser whose
// EventSource reconnects to another instance with Last-Event-ID resumes
// there.
//
//	l, err := redis.New("redis://10.0.0.5:6379", redis.WithName("chat"))
//	...
//	defer l.Close()
//	h := hub.New(hub.WithLog(l), hub.WithAutoIDs())
//	http.Handle("/events", h)
//	id, err := h.Publish(sse.Event{Data: "hello"}) // returns once Redis has it
//
// # How
//
// One Redis Stream per hub name holds the events; every instance follows
// it with XREAD BLOCK from the offset it has applied into a local,
// bounded window (hub.Window) that its subscribers are served from, so
// that no subscriber ever waits on a network round trip. Publishing runs
// one Lua script: it creates the name's epoch if there is none, takes the
// next offset (HINCRBY), adds the entry with the offset as its stream id
// (XADD MAXLEN ~), and refreshes the keys' time to live; the event's id is
// "<epoch>-<offset>". Stored events are never sent over PUB/SUB, which
// loses messages whenever a subscriber reconnects or falls behind.
//
// # When Redis fails
//
//   - While Redis is unreachable, Publish returns an error wrapping
//     ErrUnavailable (the event was not stored, and is never delivered),
//     open streams stay up with heartbeats, Healthy reports the outage,
//     and the tail reconnects with backoff from its position.
//   - When Redis comes back without the data (restarted without
//     persistence, keys expired or evicted, a failover to a replica that
//     lacked the last events), the tail notices (a new epoch, its position
//     above Redis's top, or another entry at its position) and every
//     subscriber on every instance gets exactly one hub.ResetEvent, then
//     the events published since. An id from before the loss is never
//     resumed from: the client is reset.
//   - With WithWait(n, timeout), Publish returns only once n replicas
//     have the event: an acknowledged event then survives a failover to
//     one of them. Without it, Redis replicates asynchronously, and a
//     failover may lose the last acknowledged events (behind a reset).
//   - Ephemeral events and Hub.Disconnect reach the other instances over
//     PUB/SUB: at most once, which suits presence and typing indicators;
//     an instance disconnected from Redis at that moment misses them.
//
// Keys share the hash tag {NAME}, so a Redis Cluster keeps them in one
// slot. The tests start real redis-server processes (package redistest).
package redis
