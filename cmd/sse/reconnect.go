package main

import (
	"net/http"

	"github.com/fastsse/sse"
)

// reconnectOptions returns the Dial options that decide whether the stream
// of a request with method reconnects when it ends: never with --once; with
// --reconnect, even when the method is not GET; otherwise only a GET, as a
// request of another method may have an effect that must not be repeated
// (a POST to an LLM API is a new, billed generation each time).
func reconnectOptions(method string, f *requestFlags) []sse.Option {
	switch {
	case f.oneShot:
		return []sse.Option{sse.WithOneShot()}
	case f.reconnect:
		return []sse.Option{sse.WithReconnect()}
	case method != http.MethodGet:
		// The library's default too; said here so that the rule is read
		// in one place.
		return []sse.Option{sse.WithOneShot()}
	}
	return nil
}
