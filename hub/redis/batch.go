package redis

import (
	"context"
	"sync"
)

// appender groups concurrent appends into one script call (group
// commit): while a call is in flight, the appends that arrive queue up,
// and the first of them, once the call is done, runs the next with all of
// them (up to maxBatch entries or maxBatchBytes). One publisher costs one
// round trip, as before; many publishers share round trips, and Redis
// runs one script per batch instead of one per event. Each caller runs at
// most one batch, the one holding its own entry, so no publisher is held
// serving others.
type appender struct {
	st *store

	mu    sync.Mutex
	queue []*appendReq
	busy  bool // a batch is running
}

// Bounds of one batch.
const (
	maxBatch      = 256
	maxBatchBytes = 4 << 20
)

// appendReq is one queued append.
type appendReq struct {
	payload []byte
	wake    chan struct{} // signalled when done, or when its caller must run the next batch
	done    bool          // set before wake when the append is done

	epoch string
	off   uint64
	err   error
}

// append stores payload, in a batch with the appends made meanwhile, and
// returns its epoch and offset. A batch runs on a context that is not
// canceled with ctx (an append that was sent cannot be taken back); it is
// bounded by the client's timeouts.
func (a *appender) append(ctx context.Context, payload []byte) (string, uint64, error) {
	r := &appendReq{payload: payload, wake: make(chan struct{}, 1)}
	a.mu.Lock()
	a.queue = append(a.queue, r)
	lead := !a.busy
	a.busy = true
	a.mu.Unlock()
	if !lead {
		<-r.wake
	}
	if !r.done {
		a.run(context.WithoutCancel(ctx))
	}
	return r.epoch, r.off, r.err
}

// run runs one batch from the head of the queue, then wakes the first of
// the appends still queued to run the next, or marks the appender idle.
func (a *appender) run(ctx context.Context) {
	a.mu.Lock()
	n, size := 0, 0
	for n < len(a.queue) && n < maxBatch && (n == 0 || size+len(a.queue[n].payload) <= maxBatchBytes) {
		size += len(a.queue[n].payload)
		n++
	}
	batch := a.queue[:n:n]
	a.queue = a.queue[n:]
	a.mu.Unlock()

	payloads := make([][]byte, len(batch))
	for i, r := range batch {
		payloads[i] = r.payload
	}
	epoch, first, err := a.st.appendBatch(ctx, payloads)
	for i, r := range batch {
		r.epoch, r.err = epoch, err
		if epoch != "" {
			r.off = first + uint64(i)
		}
		r.done = true
		r.wake <- struct{}{}
	}

	a.mu.Lock()
	if len(a.queue) == 0 {
		a.busy = false
		a.queue = nil
	} else {
		a.queue[0].wake <- struct{}{} // its caller runs the next batch
	}
	a.mu.Unlock()
}
