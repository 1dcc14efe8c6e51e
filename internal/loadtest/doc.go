// Package loadtest puts an SSE server under load the way a real
// deployment does, and measures both sides.
//
// [Run] runs a [Scenario] against a [Server] in three kinds of process,
// all the calling program re-executed (see [Main]):
//
//   - the server process holds the server under test and the meter: it
//     publishes numbered events stamped with their publish time at the
//     offered rate, and measures its own CPU time (getrusage, so the
//     clients' is not counted), its heap and stacks (HeapInuse+StackInuse
//     after GC) and goroutines per subscriber, and the rate it achieved;
//   - the fleet holds every client: it opens the connections over
//     loopback, from source addresses spread over 127.0.0.2–17 (one
//     address has about 28,000 ephemeral ports), reads each stream with
//     the fastsse Scanner, and counts per client the events lost,
//     duplicated, out of order or not meant for it, the publish→receive
//     latency of each event, and the streams the server cut;
//   - the hog, for Scenario.Hog, keeps every core busy during the run.
//
// Optionally one more client never reads (Scenario.Stalled); its socket is
// filled before the run, and the meter reports whether, and when, the
// server cut it as slow. With Rate 0 the run is idle: the readers count
// the heartbeat comments they receive.
//
// Every process raises its soft limit on open files to the hard one; a
// process needs one descriptor per connection, so a scenario of N
// subscribers needs a hard limit a little above N. Each process exits when
// its parent goes, so none outlives a run, even one that fails.
package loadtest
