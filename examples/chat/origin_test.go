package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestCrossSiteRefused posts as a page of another site would make a
// logged-in browser post: with the victim's cookie, a form-encoded body,
// and the headers the browser adds. None is accepted, and none changes
// anything; what comes from the page itself, or from no browser, is.
func TestCrossSiteRefused(t *testing.T) {
	rm := start(t, config{})
	alice := joined(t, rm, "alice")
	as := alice.subscribe("")
	as.wantPresence(t, "alice")
	httpsOrigin := "https://" + strings.TrimPrefix(rm.URL, "http://")

	for _, tc := range []struct {
		what          string
		origin, fetch string // headers; "" leaves one out
		code          int
	}{
		{"form from evil.example", "http://evil.example", "", 403},
		{"form from evil.example, Sec-Fetch-Site cross-site", "http://evil.example", "cross-site", 403},
		{"Sec-Fetch-Site cross-site alone", "", "cross-site", 403},
		{"another origin of the same site", "", "same-site", 403},
		{"Origin null (sandboxed frame)", "null", "", 403},
		{"Origin of another scheme", httpsOrigin, "", 403},
		{"Origin of another port", "http://127.0.0.1:1", "", 403},
		{"same-origin fetch with a forged Origin", "http://evil.example", "same-origin", 403},
		{"the page itself", rm.URL, "same-origin", 204},
		{"an older browser: Origin only", rm.URL, "", 204},
		{"typed by the user", "", "none", 204},
		{"no browser (curl)", "", "", 204},
	} {
		h := http.Header{"Origin": nil, "Sec-Fetch-Site": nil}
		if tc.origin != "" {
			h.Set("Origin", tc.origin)
		}
		if tc.fetch != "" {
			h.Set("Sec-Fetch-Site", tc.fetch)
		}
		resp, body := alice.request("POST", "/send", formType, url.Values{"text": {tc.what}}.Encode(), h)
		if resp.StatusCode != tc.code {
			t.Errorf("%s: %s %q, want %d", tc.what, resp.Status, body, tc.code)
		}
		if tc.code == 204 {
			as.wantMessage(t, "alice", tc.what)
		}
	}

	// Joining and leaving from another site are refused too: no session
	// is forced on a browser (login CSRF), none is ended.
	evil := http.Header{"Origin": {"http://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}
	mallory := newBrowser(t, rm)
	resp, body := mallory.request("POST", "/join", formType, "name=mallory", evil)
	if resp.StatusCode != 403 || len(resp.Cookies()) != 0 {
		t.Errorf("cross-site join: %s %q, cookies %v", resp.Status, body, resp.Cookies())
	}
	if resp, body := alice.request("POST", "/leave", "", "", evil); resp.StatusCode != 403 {
		t.Errorf("cross-site leave: %s %q", resp.Status, body)
	}
	alice.say("still here")
	as.wantMessage(t, "alice", "still here")
}
