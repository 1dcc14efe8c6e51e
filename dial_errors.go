package sse

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// Errors reported by [Dial] and [Client.Err]. Each error a Client returns
// either is one of these or wraps one; test for them with errors.Is.
var (
	// ErrUnexpectedStatus is matched by a [*ResponseError] whose status is
	// not 200 OK. The server's answer is final: the client does not
	// reconnect (unless [WithRetryStatus] makes the status retryable).
	ErrUnexpectedStatus = errors.New("sse: unexpected HTTP status")

	// ErrUnexpectedContentType is matched by a [*ResponseError] for a 200 OK
	// response whose Content-Type is not text/event-stream (or is missing).
	// The client does not reconnect.
	ErrUnexpectedContentType = errors.New("sse: response is not text/event-stream")

	// ErrGaveUp is wrapped by the error a Client returns when a limit set by
	// [WithMaxAttempts] or [WithMaxElapsed] stops it from reconnecting. The
	// error also wraps the cause of the last failure, so errors.Is and
	// errors.As see both.
	ErrGaveUp = errors.New("sse: gave up reconnecting")

	// ErrNotReplayable is wrapped by the error a Client returns when it needs
	// to reconnect but the request has a body that cannot be sent again: the
	// request's Body is set and its GetBody is nil. Requests made with
	// [http.NewRequest] and a *bytes.Buffer, *bytes.Reader or
	// *strings.Reader body are replayable.
	ErrNotReplayable = errors.New("sse: request body cannot be replayed to reconnect")

	// ErrIdleTimeout is the cause reported to [WithOnDisconnect] (and wrapped
	// by [ErrGaveUp] errors) when nothing arrived for the time set by
	// [WithIdleTimeout]. The client reconnects, as after a network error.
	ErrIdleTimeout = errors.New("sse: connection idle for too long")

	// ErrForcedReconnect is the cause reported to [WithOnDisconnect] when
	// [Client.Reconnect] dropped the connection. The client reconnects.
	ErrForcedReconnect = errors.New("sse: reconnection requested")

	// ErrInvalidLastEventID is reported to the warning function (see
	// [WithOnWarning]) when the last event ID cannot be sent as an HTTP
	// header value because it contains a control character. The client
	// then reconnects without a Last-Event-ID header.
	ErrInvalidLastEventID = errors.New("sse: last event ID is not a valid header value")
)

// errEOF is the cause of a reconnection after the server ended the response
// body cleanly. It wraps io.EOF.
var errEOF = fmt.Errorf("sse: server closed the stream: %w", io.EOF)

// maxErrorBody is how much of an unexpected response's body is kept in a
// [ResponseError].
const maxErrorBody = 512

// ResponseError describes a response that did not open an event stream: a
// status other than 200 OK (and 204 No Content, which ends a stream
// normally), or a 200 OK that is not text/event-stream. It matches
// [ErrUnexpectedStatus] or [ErrUnexpectedContentType] with errors.Is.
type ResponseError struct {
	StatusCode  int    // e.g. 404
	Status      string // e.g. "404 Not Found"
	ContentType string // the Content-Type header, "" when missing

	// Body holds the start of the response body (at most 512 bytes), which
	// often explains the failure. It is empty when the body could not be
	// read promptly.
	Body []byte
}

// Error describes the response.
func (e *ResponseError) Error() string {
	var b strings.Builder
	if e.StatusCode != http.StatusOK {
		fmt.Fprintf(&b, "sse: unexpected HTTP status %s", e.Status)
	} else {
		fmt.Fprintf(&b, "sse: response is not text/event-stream")
	}
	if e.ContentType == "" {
		b.WriteString(" (no Content-Type)")
	} else {
		fmt.Fprintf(&b, " (Content-Type %q)", e.ContentType)
	}
	if len(e.Body) > 0 {
		fmt.Fprintf(&b, ": %q", e.Body)
	}
	return b.String()
}

// Is reports whether target is [ErrUnexpectedStatus] (for a status other
// than 200) or [ErrUnexpectedContentType] (for a 200 response of the wrong
// type).
func (e *ResponseError) Is(target error) bool {
	switch target {
	case ErrUnexpectedStatus:
		return e.StatusCode != http.StatusOK
	case ErrUnexpectedContentType:
		return e.StatusCode == http.StatusOK
	}
	return false
}

// isEventStream reports whether a Content-Type header value names
// text/event-stream: the MIME type essence is compared case-insensitively
// and parameters are ignored, even malformed ones, as the WHATWG MIME
// sniffing rules a browser applies do. A missing type does not match.
func isEventStream(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter) {
		return false
	}
	return mt == "text/event-stream"
}

// validHeaderValue reports whether s can be sent as an HTTP header field
// value by net/http: no control characters other than horizontal tab.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}
