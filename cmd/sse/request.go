package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// requestFlags are the curl-like flags that shape the request for a URL
// source.
type requestFlags struct {
	method  string
	body    string
	headers headerList
	lastID  string
	oneShot bool // --once
	// reconnect is --reconnect: a request whose method is not GET
	// reconnects too.
	reconnect bool
}

// headerList collects repeated -H "Name: value" flags.
type headerList []string

func (h *headerList) String() string { return strings.Join(*h, ", ") }

// Set implements flag.Value.
func (h *headerList) Set(v string) error {
	name, _, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("header %q is not of the form 'Name: value'", v)
	}
	*h = append(*h, v)
	return nil
}

// newRequest builds the request for url. The method defaults to GET, or
// POST when there is a body; a body that looks like JSON is sent as
// application/json unless a Content-Type header is given. The body is a
// strings.Reader, so http.NewRequest sets GetBody and the client can send it
// again when it reconnects.
func (f *requestFlags) newRequest(ctx context.Context, url string) (*http.Request, error) {
	method := f.method
	if method == "" {
		method = http.MethodGet
		if f.body != "" {
			method = http.MethodPost
		}
	}
	method = strings.ToUpper(method)
	var req *http.Request
	var err error
	if f.body != "" {
		req, err = http.NewRequestWithContext(ctx, method, url, strings.NewReader(f.body))
	} else {
		req, err = http.NewRequestWithContext(ctx, method, url, nil)
	}
	if err != nil {
		return nil, err
	}
	for _, h := range f.headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	if trimmed := strings.TrimSpace(f.body); req.Header.Get("Content-Type") == "" &&
		(strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[")) {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}
