package interop

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// This file is the harness shared by the browser tests: a headless
// Chromium per test, a page that collects what its EventSource dispatches,
// and a way to read what it collected.

// collectorPage returns a page that opens an EventSource on path and keeps
// every event it dispatches, as the browser reports it, in
// window.received: "message" events and those of the given custom types.
func collectorPage(path string, types ...string) string {
	p, _ := json.Marshal(path)
	t, _ := json.Marshal(append([]string{}, types...))
	return fmt.Sprintf(`<!doctype html><meta charset="utf-8"><title>collector</title><script>
window.received = [];
const es = new EventSource(%s);
const keep = (e) => window.received.push({type: e.type, id: e.lastEventId, data: e.data});
es.onmessage = keep;
for (const t of %s) es.addEventListener(t, keep);
</script>`, p, t)
}

// newBrowser starts headless Chromium (Debian's /usr/bin/chromium) for the
// test and returns a context for chromedp actions in one tab, and a
// function that closes the browser. The browser is closed at the end of
// the test in any case; closing it earlier (to see what a server does
// when its client goes away) is allowed. Without chromium the test is
// skipped, or failed on CI.
func newBrowser(t *testing.T) (context.Context, context.CancelFunc) {
	t.Helper()
	path := need(t, "chromium", "the browser tests drive Debian's chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:], // includes --headless
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // as root, in a container
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	closeBrowser := func() {
		cancelTime()
		cancelTab()
		cancelAlloc() // waits for the browser process to exit
	}
	t.Cleanup(closeBrowser)
	if err := chromedp.Do(ctx); err != nil {
		missing(t, fmt.Sprintf("chromium does not start: %v", err))
	}
	return ctx, closeBrowser
}

// waitReceived polls the page until window.received holds at least n
// events, and returns them all. It fails the test when the browser's
// context ends first.
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
