package redis

import "errors"

var (
	// ErrUnavailable is returned by an append or a publish that Redis did
	// not take: it could not be reached, or it refused (loading, a
	// read-only replica, out of memory). The event was not stored, unless
	// the connection broke after the command was sent, which the error
	// then says (ErrAmbiguous).
	ErrUnavailable = errors.New("hub/redis: redis unavailable")

	// ErrAmbiguous is wrapped, with ErrUnavailable, by an append whose
	// connection broke after the command was sent: Redis may or may not
	// have stored the event. It is never resent (that could store it
	// twice).
	ErrAmbiguous = errors.New("hub/redis: the command was sent, its outcome is unknown")

	// ErrNotReplicated is returned by an append when WithWait asks for n
	// replicas and fewer acknowledged the event within the wait timeout.
	// The primary stored the event: it is delivered unless a failover
	// loses it, in which case subscribers are sent a reset.
	ErrNotReplicated = errors.New("hub/redis: fewer replicas than required acknowledged the event")

	// ErrConfig reports an invalid option or hub name.
	ErrConfig = errors.New("hub/redis: invalid configuration")
)
