package interop

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestChromiumEventSource checks that what the Writer writes is exactly
// what Chromium's EventSource dispatches, including across a connection the
// server cuts: Chromium reconnects with Last-Event-ID and the stream
// resumes with no gap and no duplicate.
func TestChromiumEventSource(t *testing.T) {
	ctx, _ := newBrowser(t)
	fs := newFixtureServer(t, collectorPage("/events", customTypes...))
	if err := chromedp.Do(ctx, chromedp.Navigate(fs.URL+"/")); err != nil {
		t.Fatal(err)
	}
	waitReceived(t, ctx, dropAfter)
	fs.cut()
	got := waitReceived(t, ctx, len(fixture))
	compare(t, "Chromium", got, want(false))
	checkResume(t, fs)
	t.Logf("Chromium: Last-Event-ID per request %q; received %d events:", fs.requestIDs(), len(got))
	for i, r := range got {
		t.Logf("%2d %+q", i+1, r)
	}
}

// TestChromiumServePage opens the page of `sse serve` on the chat
// recording in Chromium, and checks that the browser's EventSource sees the
// same events as `sse cat --json` reads from the file, and that the page
// shows them. It saves a screenshot to $FASTSSE_SCREENSHOT when set.
func TestChromiumServePage(t *testing.T) {
	ctx, _ := newBrowser(t)
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
