package main

import (
	"errors"
	"net/http"
)

// errCrossSite is why a request that changes state is refused when a
// browser says it comes from another site.
var errCrossSite = errors.New("cross-site request refused")

// checkSameOrigin refuses a request that a browser sent on behalf of
// another site: a form on evil.example posting to /send, for instance,
// which would otherwise carry the user's cookies (cross-site request
// forgery). Every request that changes state goes through it.
//
// Browsers tell where a request comes from in two headers, and both are
// checked when present:
//
//   - Sec-Fetch-Site (every current browser) must be "same-origin", or
//     "none" for what the user did themselves, such as typing the URL.
//     "same-site" is refused too: another origin of the same site (a
//     sibling subdomain, another port) is another application.
//   - Origin must be this server's own origin, scheme and host and port.
//     "null", which sandboxed documents and some redirects send, is
//     refused.
//
// A request with neither header does not come from a browser (curl, a
// script), which sends no ambient cookies on someone else's behalf, and is
// allowed. Go 1.25's http.CrossOriginProtection implements the same idea;
// it compares only the host of Origin, and stops at Sec-Fetch-Site when
// that is present.
//
// The origin is derived from the request: https when it came over TLS.
// Behind a proxy that terminates TLS, compare with the public origin
// instead.
func checkSameOrigin(r *http.Request) error {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return errCrossSite
	}
	if origin := r.Header.Get("Origin"); origin != "" && origin != ownOrigin(r) {
		return errCrossSite
	}
	return nil
}

// ownOrigin is the origin r was sent to, as a browser serializes it in
// the Origin header.
func ownOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
