package sse

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// redirectKept are the headers a redirect to another origin keeps without
// [WithRedirectHeaders]: those an EventSource itself sends (Fetch keeps them
// on every hop) and those that describe a body a 307 or 308 sends again.
// None of them carries a credential.
var redirectKept = map[string]bool{
	"Accept":           true,
	"Cache-Control":    true,
	"Pragma":           true,
	"Last-Event-Id":    true,
	"Content-Type":     true,
	"Content-Encoding": true,
}

// withRedirectPolicy returns a copy of hc whose CheckRedirect removes, on a
// hop that leaves the origin of the first request, every header but those
// of redirectKept and allowed, then defers to hc's own CheckRedirect (or
// net/http's default policy when it has none). The copy shares hc's
// Transport and Jar.
func withRedirectPolicy(hc *http.Client, allowed map[string]bool) *http.Client {
	next := hc.CheckRedirect
	if next == nil {
		next = defaultRedirectPolicy
	}
	c := *hc
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && leftOrigin(req, via) {
			for name := range req.Header {
				key := http.CanonicalHeaderKey(name)
				if !redirectKept[key] && !allowed[key] {
					delete(req.Header, name)
				}
			}
		}
		return next(req, via)
	}
	return &c
}

// defaultRedirectPolicy is what net/http does when CheckRedirect is nil.
func defaultRedirectPolicy(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// leftOrigin reports whether req, or a hop before it, is on another origin
// than the first request of via.
func leftOrigin(req *http.Request, via []*http.Request) bool {
	o := origin(via[0].URL)
	if origin(req.URL) != o {
		return true
	}
	for _, r := range via[1:] {
		if origin(r.URL) != o {
			return true
		}
	}
	return false
}

// origin returns the scheme, host and port of u as one comparable string,
// with the scheme's default port made explicit: http://a and http://a:80
// are the same origin, http://a:8080 and https://a are others.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}
