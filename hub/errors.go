package hub

import "errors"

var (
	// ErrClosed is returned by Publish after Close or Shutdown, and is the
	// disconnect reason of the streams they end.
	ErrClosed = errors.New("hub: closed")

	// ErrSlow is the disconnect reason of a subscriber whose queue was full
	// when an event was published to it, under the Disconnect policy, or
	// whose client did not take a write within the write timeout
	// (WithWriteTimeout), under either policy.
	ErrSlow = errors.New("hub: subscriber too slow")

	// ErrKicked is the disconnect reason of a subscriber ended by
	// Hub.Disconnect.
	ErrKicked = errors.New("hub: subscriber disconnected by the server")

	// ErrClientGone is the disconnect reason of a subscriber whose client
	// went away (its request's context ended) or could not be written to.
	ErrClientGone = errors.New("hub: client gone")
)
