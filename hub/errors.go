package hub

import "errors"

var (
	// ErrClosed is returned by Publish after Close or Shutdown, and is the
	// disconnect reason of the streams they end.
	ErrClosed = errors.New("hub: closed")

	// ErrSlow is the disconnect reason of a subscriber whose client left
	// its connection full (did not read) for the write timeout
	// (WithWriteTimeout), under either policy, or, under the Disconnect
	// policy, fell so far behind that the events it had not been sent
	// left the log (WithQueue, WithMaxLogBytes).
	ErrSlow = errors.New("hub: subscriber too slow")

	// ErrKicked is the disconnect reason of a subscriber ended by
	// Hub.Disconnect.
	ErrKicked = errors.New("hub: subscriber disconnected by the server")

	// ErrClientGone is the disconnect reason of a subscriber whose client
	// went away (it closed its connection, or its request's context
	// ended) or could not be written to.
	ErrClientGone = errors.New("hub: client gone")
)
