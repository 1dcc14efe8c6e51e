package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// chromium finds a Chromium or Chrome to run headless: $CHROMIUM, or one
// of the usual names on $PATH.
func chromium(t *testing.T) string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set and no Chromium was found: .ci/run installs it (apt-get install chromium)")
	}
	t.Skip("no Chromium to check the layout with: install chromium or set $CHROMIUM")
	return ""
}

// probePage frames the chat at a given size, joins, posts messages that
// are hard to wrap, and posts back where things were laid out.
const probePage = `<!DOCTYPE html>
<meta charset="utf-8">
<body style="margin:0">
<iframe id="f" style="border:0" src="/?name=probe"></iframe>
<script>
const q = new URLSearchParams(location.search);
const f = document.getElementById("f");
f.style.width = q.get("w") + "px";
f.style.height = q.get("h") + "px";
let posted = false;
async function measure() {
  const d = f.contentDocument;
  if (!d || !d.querySelector("#state.open")) return setTimeout(measure, 50);
  if (!posted) {
    posted = true;
    for (const text of [
      "https://example.com/a/very/long/url/without/spaces/that/must/wrap/anywhere/rather/than/overflow",
      "A rather long message to see how wrapping behaves on a narrow phone screen: it should wrap inside the log.",
      "short",
    ]) await fetch("/send", { method: "POST", body: new URLSearchParams({ text }) });
  }
  if (d.querySelectorAll("#log li").length < 3) return setTimeout(measure, 50);
  const vw = d.documentElement.clientWidth, vh = d.documentElement.clientHeight;
  const box = (s) => { const r = d.querySelector(s).getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height }; };
  const outside = [];
  for (const el of d.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > vw + 0.5 || r.left < -0.5 || r.bottom > vh + 0.5)) outside.push(el.tagName + "#" + el.id + "." + el.className);
  }
  await fetch("/result", { method: "POST", body: JSON.stringify({
    vw, vh, scrollWidth: d.documentElement.scrollWidth, outside,
    header: box("header"), aside: box("aside"), log: box("#log"), send: box("#send"), text: box("#text"), button: box("#sendButton"),
  }) });
}
measure();
</script>`

type box struct{ Left, Right, Top, Bottom, Width, Height float64 }

type layout struct {
	VW, VH             float64
	ScrollWidth        float64
	Outside            []string
	Header, Aside, Log box
	Send, Text, Button box
}

// measureLayout opens the chat in headless Chromium at w×h, with another
// person online, and returns where its parts were laid out.
func measureLayout(t *testing.T, w, h int) layout {
	bin := chromium(t)
	rm := start(t, config{Clock: realClock{}})
	bob := joined(t, rm, "bob")
	bob.subscribe("")

	results := make(chan layout, 1)
	// The probe is served from the chat's own origin, so that it may
	// frame the page and read it.
	rm.mux.HandleFunc("GET /probe", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, probePage)
	})
	rm.mux.HandleFunc("POST /result", func(w http.ResponseWriter, r *http.Request) {
		var l layout
		if err := json.NewDecoder(r.Body).Decode(&l); err != nil {
			t.Errorf("result: %v", err)
		}
		select {
		case results <- l:
		default:
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), fmt.Sprintf("--window-size=%d,%d", w+20, h+20),
		fmt.Sprintf("%s/probe?w=%d&h=%d", rm.URL, w, h))
	// Chromium starts helper processes: end them all, by process group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cancel()
		cmd.Wait()
	}()
	select {
	case l := <-results:
		t.Logf("%d×%d: %+v", w, h, l)
		return l
	case <-ctx.Done():
		t.Fatal("Chromium reported no layout")
	}
	panic("unreachable")
}

// TestLayoutPhone checks the page at 390×844 CSS pixels (a current
// phone): nothing wider than the screen or below it, who is online in a
// short list above the messages, and most of the height for messages.
func TestLayoutPhone(t *testing.T) {
	l := measureLayout(t, 390, 844)
	if l.VW != 390 || l.ScrollWidth > l.VW {
		t.Errorf("viewport %v wide, content %v wide", l.VW, l.ScrollWidth)
	}
	if len(l.Outside) > 0 {
		t.Errorf("outside the screen: %q", l.Outside)
	}
	if l.Aside.Width != l.VW || l.Aside.Height > 100 || l.Aside.Bottom > l.Log.Top+0.5 {
		t.Errorf("who is online %+v: want a short list across the top, above the log %+v", l.Aside, l.Log)
	}
	if l.Log.Width != l.VW || l.Log.Height < l.VH/2 {
		t.Errorf("log %+v: want the full width and most of the height", l.Log)
	}
	if l.Send.Bottom > l.VH+0.5 || l.Text.Width < 200 || l.Button.Right > l.VW {
		t.Errorf("send form %+v, input %+v, button %+v: want them on screen, the input wide", l.Send, l.Text, l.Button)
	}
}

// TestLayoutDesktop checks the page at 1280×800: who is online in a
// column beside the messages.
func TestLayoutDesktop(t *testing.T) {
	l := measureLayout(t, 1280, 800)
	if l.ScrollWidth > l.VW || len(l.Outside) > 0 {
		t.Errorf("content %v wide in %v; outside the screen: %q", l.ScrollWidth, l.VW, l.Outside)
	}
	if l.Aside.Left < l.Log.Right-0.5 || l.Aside.Top != l.Header.Bottom || l.Aside.Bottom != l.VH {
		t.Errorf("who is online %+v: want a column right of the log %+v", l.Aside, l.Log)
	}
	if l.Send.Bottom != l.VH || l.Text.Width < 600 {
		t.Errorf("send form %+v, input %+v", l.Send, l.Text)
	}
}
