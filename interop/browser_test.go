package interop

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// collectorPage opens an EventSource on /events and keeps every event it
// dispatches, as the browser reports it, in window.received.
const collectorPage = `<!doctype html><meta charset="utf-8"><title>collector</title><script>
window.received = [];
const es = new EventSource("/events");
const keep = (e) => window.received.push({type: e.type, id: e.lastEventId, data: e.data});
es.onmessage = keep;
for (const t of %s) es.addEventListener(t, keep);
</script>`

// newBrowser starts headless Chromium (Debian's /usr/bin/chromium) for
// the test and returns a context for chromedp actions in one tab.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := need(t, "chromium", "the browser tests drive Debian's chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // as root, in a container
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() {
		cancelTime()
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		missing(t, fmt.Sprintf("chromium does not start: %v", err))
	}
	return ctx
}

// waitReceived polls the page until window.received holds n events, and
// returns them.
func waitReceived(t *testing.T, ctx context.Context, n int) []received {
	t.Helper()
	var got []received
	for {
		js, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(window.received || [])`))
		if err != nil {
			t.Fatalf("reading window.received (%d of %d events so far): %v", len(got), n, err)
		}
		got = nil
		if err := json.Unmarshal([]byte(js), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) >= n {
			return got
		}
		select {
		case <-ctx.Done():
			t.Fatalf("Chromium received %d of %d events: %+q", len(got), n, got)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// TestChromiumEventSource checks that what the Writer writes is exactly
// what Chromium's EventSource dispatches, including across a connection the
// server cuts: Chromium reconnects with Last-Event-ID and the stream
// resumes with no gap and no duplicate.
func TestChromiumEventSource(t *testing.T) {
	ctx := newBrowser(t)
	types, _ := json.Marshal(customTypes)
	fs := newFixtureServer(t, fmt.Sprintf(collectorPage, types))
	if err := chromedp.Do(ctx, chromedp.Navigate(fs.URL+"/")); err != nil {
		t.Fatal(err)
	}
	got := waitReceived(t, ctx, len(fixture))
	compare(t, "Chromium", got, want(false))
	checkResume(t, fs)
	t.Logf("Chromium received %d events; Last-Event-ID per request: %q", len(got), fs.requestIDs())
}

// TestChromiumServePage opens the page of `sse serve` on the chat
// recording in Chromium, and checks that the browser's EventSource sees the
// same events as `sse cat --json` reads from the file, and that the page
// shows them. It saves a screenshot to $FASTSSE_SCREENSHOT when set.
func TestChromiumServePage(t *testing.T) {
	ctx := newBrowser(t)
	bin := buildSSE(t)
	wantEvents := catJSON(t, bin, "../testdata/chat.sse")
	base := startServe(t, bin, "../testdata/chat.sse")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	got := waitReceived(t, ctx, len(wantEvents))
	compare(t, "Chromium on sse serve", got, wantEvents)

	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#events tr").length`))
	if err != nil {
		t.Fatal(err)
	}
	state, err := chromedp.Run(ctx, chromedp.Text("#state"))
	if err != nil {
		t.Fatal(err)
	}
	if rows != len(wantEvents) || state != "open" {
		t.Errorf("page shows %d rows, state %q; want %d rows, open", rows, state, len(wantEvents))
	}
	if name := os.Getenv("FASTSSE_SCREENSHOT"); name != "" {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1100, 900)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
