package sse

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sort"
	"strings"
	"testing"
)

// Issue 10, item 2: after a 307 to another origin, Authorization, Cookie
// and X-Api-Key were sent there. Two httptest servers listen on different
// ports of 127.0.0.1: different origins.

// redirectHeaders are what the caller sets on the request in these tests.
var redirectHeaders = map[string]string{
	"Authorization":       "Bearer secret",
	"Proxy-Authorization": "Basic c2VjcmV0",
	"Cookie":              "session=secret",
	"X-Api-Key":           "secret",
	"User-Agent":          "caller/1.0",
	"Content-Type":        "application/json",
}

// redirectPair starts the server a redirect leads to, which ends the stream
// with a 204, and the one the request goes to, which redirects every request
// with status to target(other's URL).
func redirectPair(t *testing.T, status int, target func(other string) string) (start, other *dialServer) {
	other = newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	start = newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/back" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		http.Redirect(w, r, target(other.URL), status)
	})
	return start, other
}

// redirectDial sends method to url with redirectHeaders and body, and
// returns when the stream has ended.
func redirectDial(t *testing.T, method, url, body string, opts ...Option) {
	t.Helper()
	req, err := http.NewRequestWithContext(dialCtx(t), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range redirectHeaders {
		req.Header.Set(k, v)
	}
	c, err := dialTest(t, req, append([]Option{WithLastEventID("42")}, opts...)...)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	if err := dialEnd(t, c); err != nil {
		t.Fatalf("Err = %v", err)
	}
}

// headerNames returns the sorted names of h.
func headerNames(h http.Header) string {
	var names []string
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}

func TestDialRedirectOtherOrigin(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(itoa(status), func(t *testing.T) {
			dialLeakCheck(t)
			start, other := redirectPair(t, status, func(o string) string { return o + "/stream" })
			redirectDial(t, http.MethodGet, start.URL, "")
			reqs := other.requests()
			if len(reqs) != 1 {
				t.Fatalf("other origin saw %d requests, want 1", len(reqs))
			}
			h := reqs[0].Header
			for _, name := range []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Api-Key", "Referer"} {
				if v, ok := h[name]; ok {
					t.Errorf("other origin got %s: %q", name, v)
				}
			}
			if got := h.Get("User-Agent"); got == redirectHeaders["User-Agent"] {
				t.Errorf("other origin got the caller's User-Agent %q", got)
			}
			if h.Get("Accept") != "text/event-stream" || h.Get("Last-Event-Id") != "42" || h.Get("Cache-Control") != "no-cache" {
				t.Errorf("other origin lost EventSource headers: %v", h)
			}
			t.Logf("other origin saw %s", headerNames(h))
		})
	}
}

// A POST redirected by a 307 to another origin keeps its body and the
// headers that describe it, and loses the credentials.
func TestDialRedirectOtherOriginPOST(t *testing.T) {
	dialLeakCheck(t)
	start, other := redirectPair(t, http.StatusTemporaryRedirect, func(o string) string { return o + "/v1" })
	redirectDial(t, http.MethodPost, start.URL, `{"q":1}`)
	reqs := other.requests()
	if len(reqs) != 1 {
		t.Fatalf("other origin saw %d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Body != `{"q":1}` || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("other origin got %s %q, Content-Type %q", r.Method, r.Body, r.Header.Get("Content-Type"))
	}
	if r.Header.Get("Authorization") != "" || r.Header.Get("X-Api-Key") != "" || r.Header.Get("Cookie") != "" {
		t.Errorf("other origin got credentials: %v", r.Header)
	}
}

// WithRedirectHeaders keeps the headers it names, and only those.
func TestDialRedirectAllowedHeaders(t *testing.T) {
	dialLeakCheck(t)
	start, other := redirectPair(t, http.StatusTemporaryRedirect, func(o string) string { return o })
	redirectDial(t, http.MethodGet, start.URL, "", WithRedirectHeaders("x-api-key"), WithRedirectHeaders("User-Agent"))
	h := other.requests()[0].Header
	if h.Get("X-Api-Key") != "secret" || h.Get("User-Agent") != "caller/1.0" {
		t.Errorf("allowed headers lost: %v", h)
	}
	if h.Get("Authorization") != "" || h.Get("Cookie") != "" || h.Get("Proxy-Authorization") != "" {
		t.Errorf("other origin got credentials: %v", h)
	}
}

// A redirect within the origin keeps every header; a hop back to the origin
// after leaving it does not get them back.
func TestDialRedirectSameOrigin(t *testing.T) {
	t.Run("same origin", func(t *testing.T) {
		dialLeakCheck(t)
		srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/" {
				http.Redirect(w, r, "/stream", http.StatusTemporaryRedirect)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
		redirectDial(t, http.MethodGet, srv.URL, "")
		reqs := srv.requests()
		if len(reqs) != 2 {
			t.Fatalf("%d requests, want 2", len(reqs))
		}
		for k, v := range redirectHeaders {
			if got := reqs[1].Header.Get(k); got != v {
				t.Errorf("redirected request: %s = %q, want %q", k, got, v)
			}
		}
	})
	t.Run("back to the origin", func(t *testing.T) {
		dialLeakCheck(t)
		var start *dialServer
		other := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, start.URL+"/back", http.StatusTemporaryRedirect)
		})
		start = newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/back" {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			http.Redirect(w, r, other.URL, http.StatusTemporaryRedirect)
		})
		redirectDial(t, http.MethodGet, start.URL, "")
		reqs := start.requests()
		if len(reqs) != 2 {
			t.Fatalf("%d requests to the origin, want 2", len(reqs))
		}
		if h := reqs[1].Header; h.Get("Authorization") != "" || h.Get("X-Api-Key") != "" {
			t.Errorf("hop back to the origin got credentials: %v", h)
		}
	})
}

// With the caller's own http.Client, its CheckRedirect still runs, after
// the headers are removed (so it may add some back), and its Jar still
// sends cookies to the domains they belong to.
func TestDialRedirectCallerClient(t *testing.T) {
	dialLeakCheck(t)
	start, other := redirectPair(t, http.StatusTemporaryRedirect, func(o string) string { return o })
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(other.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "jar", Value: "for-127.0.0.1"}})
	var seen []string
	hc := &http.Client{
		Jar: jar,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			seen = append(seen, req.Header.Get("Authorization"))
			req.Header.Set("X-Signed", "by-caller")
			return nil
		},
	}
	defer hc.CloseIdleConnections()
	redirectDial(t, http.MethodGet, start.URL, "", WithHTTPClient(hc))
	if len(seen) != 1 || seen[0] != "" {
		t.Errorf("caller's CheckRedirect saw Authorization %q, want one call after removal", seen)
	}
	if hc.CheckRedirect == nil {
		t.Error("the caller's http.Client was changed")
	}
	h := other.requests()[0].Header
	if h.Get("X-Signed") != "by-caller" {
		t.Errorf("header added by the caller's CheckRedirect lost: %v", h)
	}
	// The jar's cookie is the jar's business (cookies ignore ports); the
	// Cookie header the caller set is not sent.
	if got := h.Get("Cookie"); got != "jar=for-127.0.0.1" {
		t.Errorf("Cookie = %q, want only the jar's cookie", got)
	}
}

// Origins differ by scheme, host or port; default ports and case do not
// make a difference.
func TestDialRedirectOrigin(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"http://a.example/x", "http://a.example/y?z", true},
		{"http://a.example", "http://a.example:80", true},
		{"https://a.example", "https://A.EXAMPLE:443/", true},
		{"http://a.example", "http://a.example:8080", false},
		{"http://a.example", "https://a.example", false},
		{"http://a.example", "http://b.example", false},
		{"http://a.example", "http://sub.a.example", false},
		{"http://[::1]:80/", "http://[::1]/", true},
	} {
		ua, _ := url.Parse(tc.a)
		ub, _ := url.Parse(tc.b)
		if got := origin(ua) == origin(ub); got != tc.same {
			t.Errorf("same origin(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

// Beyond the limit of net/http's default policy, a caller's client without
// CheckRedirect stops as net/http would.
func TestDialRedirectDefaultPolicy(t *testing.T) {
	dialLeakCheck(t)
	srv := newDialServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/"+itoa(n+1), http.StatusFound)
	})
	hc := &http.Client{}
	defer hc.CloseIdleConnections()
	_, err := dialTest(t, dialGet(t, srv.URL), WithHTTPClient(hc), WithMaxAttempts(1))
	if err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
		t.Fatalf("Dial: %v, want net/http's limit", err)
	}
	if n := len(srv.requests()); n != 10 {
		t.Errorf("%d requests, want 10", n)
	}
}
