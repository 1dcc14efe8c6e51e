// Command chart draws the reading benchmarks of bench/peers as an SVG bar
// chart: one panel per corpus, one bar per parser, the median MB/s on a
// log scale, with each parser's verification verdict and, in the title and
// footer, the date and the machine the numbers come from.
//
// run.sh runs it as
//
//	go run ./cmd/chart -bench results/bench.txt -verdicts results/verdicts.json \
//		-date 2025-11-23 -machine "go1.26 linux/amd64 · CPU · 2 CPUs" -o chart.svg
package main

import (
	"flag"
	"fmt"
	"html"
	"log"
	"math"
	"os"
	"strings"

	"github.com/fastsse/sse/bench/peers"
	"github.com/fastsse/sse/bench/peers/internal/benchdata"
	"github.com/fastsse/sse/bench/peers/internal/numfmt"
	"github.com/fastsse/sse/internal/corpus"
)

func main() {
	benchFile := flag.String("bench", "results/bench.txt", "go test -bench output")
	verdictsFile := flag.String("verdicts", "results/verdicts.json", "verdicts written by TestVerify")
	date := flag.String("date", "", "date of the run")
	machine := flag.String("machine", "", "machine description (Go version, CPU, CPUs)")
	settings := flag.String("settings", "", "benchmark settings (count, benchtime)")
	out := flag.String("o", "chart.svg", "output file")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("chart: ")

	rs, err := benchdata.ParseFile(*benchFile)
	if err != nil {
		log.Fatal(err)
	}
	var verdicts []peers.Verdict
	if err := benchdata.ReadJSON(*verdictsFile, &verdicts); err != nil {
		log.Fatal(err)
	}
	svg := draw(rs, verdicts, *date, *machine, *settings)
	if err := os.WriteFile(*out, []byte(svg), 0o644); err != nil {
		log.Fatal(err)
	}
}

// bar is one parser on one corpus.
type bar struct {
	p       peers.Parser
	mbps    float64 // median MB/s; 0 when not timed
	verdict peers.Verdict
	found   bool // a verdict was found
}

// Layout, in SVG user units (pixels).
const (
	width     = 1100
	margin    = 24
	gap       = 28
	cols      = 2
	panelW    = (width - 2*margin - (cols-1)*gap) / cols
	labelW    = 104
	valueW    = 96
	areaW     = panelW - labelW - valueW
	rowH      = 19
	barH      = 13
	headH     = 40
	axisH     = 18
	panelGap  = 18
	headerH   = 112
	footerH   = 70
	fontStack = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"
)

// colors of the bars: fastsse, the peers in order, the baselines.
var (
	fastsseColor  = "#1f6feb"
	peerColors    = []string{"#e8833a", "#9a6bc4", "#3a9d5d", "#c4475d"}
	baselineColor = "#b9bec5"
)

func draw(rs []*benchdata.Result, verdicts []peers.Verdict, date, machine, settings string) string {
	verdict := map[string]peers.Verdict{}
	for _, v := range verdicts {
		verdict[v.Corpus+"\x00"+v.Parser] = v
	}
	panels := make([][]bar, len(corpus.Names))
	lo, hi := math.Inf(1), math.Inf(-1)
	runs := 0
	for i, c := range corpus.Names {
		for _, p := range peers.Parsers {
			b := bar{p: p}
			b.verdict, b.found = verdict[c+"\x00"+p.Name]
			if r := benchdata.Find(rs, "Read", map[string]string{"corpus": c, "parser": p.Name}); r != nil {
				if m, ok := r.Median("MB/s"); ok && m > 0 {
					b.mbps = m
					lo, hi = math.Min(lo, m), math.Max(hi, m)
					if runs == 0 || r.Runs() < runs {
						runs = r.Runs()
					}
				}
			}
			panels[i] = append(panels[i], b)
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 1, 10
	}
	// The axis runs from the decade below the slowest bar to a little past
	// the fastest, with a grid line at each decade.
	decLo, end := math.Floor(math.Log10(lo)), math.Log10(hi)+0.12
	decHi := math.Floor(end)
	x := func(v float64) float64 {
		return (math.Log10(v) - decLo) / (end - decLo) * areaW
	}

	// One slot more than the panels: the one after the last holds how to
	// read the chart.
	rows := (len(panels) + cols) / cols
	panelH := headH + len(peers.Parsers)*rowH + axisH
	height := headerH + rows*(panelH+panelGap) + footerH

	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s">`+"\n",
		width, height, width, height, fontStack)
	s.WriteString(`<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f4d4d4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c4475d" stroke-width="2"/></pattern></defs>` + "\n")
	fmt.Fprintf(&s, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)

	// Title and legend.
	text(&s, margin, 34, 20, "#111", "bold", "start", "Reading server-sent events in Go: throughput per corpus")
	text(&s, margin, 56, 13, "#444", "normal", "start",
		fmt.Sprintf("MB/s (10⁶ bytes/s), median of %d run(s); higher is better; log scale. %s · %s", runs, machine, date))
	text(&s, margin, 74, 12, "#444", "normal", "start",
		"Each parser reads each corpus from a plain io.Reader (hugeline in 4 KiB reads), a new parser per pass; its output is checked against the corpus's ground truth first.")
	lx := float64(margin)
	legend := []struct{ fill, label string }{{fastsseColor, "fastsse"}}
	for i, p := range peers.Parsers {
		if p.Kind == peers.KindSSE && p.Name != "fastsse" {
			legend = append(legend, struct{ fill, label string }{peerColors[(i-1)%len(peerColors)], p.Name})
		}
	}
	legend = append(legend,
		struct{ fill, label string }{baselineColor, "baselines: do less than parse (lines, line ends, copy)"},
		struct{ fill, label string }{"url(#hatch)", "output ≠ ground truth"})
	for _, l := range legend {
		fmt.Fprintf(&s, `<rect x="%.1f" y="86" width="12" height="12" fill="%s"/>`+"\n", lx, l.fill)
		text(&s, lx+16, 96, 12, "#222", "normal", "start", l.label)
		lx += 16 + float64(len([]rune(l.label)))*6.4 + 18
	}

	for i, bars := range panels {
		px := float64(margin + (i%cols)*(panelW+gap))
		py := float64(headerH + (i/cols)*(panelH+panelGap))
		drawPanel(&s, px, py, corpus.Names[i], bars, x, decLo, decHi)
	}
	{
		// The slot after the last panel holds how to read the chart.
		n := len(panels)
		px := float64(margin + (n%cols)*(panelW+gap))
		py := float64(headerH + (n/cols)*(panelH+panelGap))
		text(&s, px, py+16, 15, "#111", "bold", "start", "How to read this")
		for j, line := range notes {
			text(&s, px, py+float64(headH+j*17), 12, "#333", "normal", "start", line)
		}
	}

	fy := float64(height - footerH + 24)
	text(&s, margin, fy, 12, "#444", "normal", "start",
		fmt.Sprintf("Machine: %s. Date: %s. Settings: %s.", machine, date, settings))
	text(&s, margin, fy+18, 12, "#444", "normal", "start",
		"Reproduce: cd bench/peers && ./run.sh (COUNT=6 by default) — github.com/fastsse/sse/bench/peers. Full table, allocations and conformance: RESULTS.md.")
	s.WriteString("</svg>\n")
	return s.String()
}

// notes explain the chart, in the panel slot left free.
var notes = []string{
	"Bars are MB/s on a log scale: each grid line is ten times the one before.",
	"The ratio in each heading is fastsse against the fastest peer whose",
	"output matched the ground truth (event count, bytes, FNV-64a checksum).",
	"Peers read through their public APIs: go-sse sse.Read, LaunchDarkly",
	"Decoder.Decode, r3labs Client.SubscribeRaw over an in-memory transport.",
	"Each gets an 8 MiB line limit where it has one, so hugeline fits.",
	"Baselines parse nothing: bufio.Scanner splits lines, IndexByte finds",
	"line ends, io.Copy only moves bytes. They bound what parsing can cost.",
}

// drawPanel draws one corpus's bars with their top left corner at px, py.
func drawPanel(s *strings.Builder, px, py float64, name string, bars []bar, x func(float64) float64, decLo, decHi float64) {
	c := corpus.Get(name)
	text(s, px, py+16, 15, "#111", "bold", "start", name)
	events := "events"
	if c.Truth.Events == 1 {
		events = "event"
	}
	sub := fmt.Sprintf("%.1f MiB, %d %s", float64(len(c.Bytes))/(1<<20), c.Truth.Events, events)
	if r := ratio(bars); r != "" {
		sub += " · " + r
	}
	text(s, px+float64(12+10*len(name)), py+16, 12, "#555", "normal", "start", sub)

	ax := px + labelW
	top := py + headH - 14
	bottom := top + float64(len(bars)*rowH)
	for d := decLo; d <= decHi; d++ {
		gx := ax + x(math.Pow(10, d))
		fmt.Fprintf(s, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e3e5e8" stroke-width="1"/>`+"\n", gx, top, gx, bottom)
		text(s, gx, bottom+13, 10, "#777", "normal", "middle", decade(d))
	}
	peerIdx := 0
	for j, b := range bars {
		y := top + float64(j*rowH)
		weight := "normal"
		if b.p.Name == "fastsse" {
			weight = "bold"
		}
		text(s, ax-6, y+barH-2, 12, "#222", weight, "end", b.p.Name)
		fill := baselineColor
		switch {
		case b.p.Name == "fastsse":
			fill = fastsseColor
		case b.p.Kind == peers.KindSSE:
			fill = peerColors[peerIdx%len(peerColors)]
			peerIdx++
		}
		switch {
		case b.found && b.verdict.Failed:
			text(s, ax+4, y+barH-2, 11, "#c4475d", "normal", "start", clip("✗ not timed: "+b.verdict.Reason, 80))
			continue
		case b.mbps == 0:
			text(s, ax+4, y+barH-2, 11, "#777", "normal", "start", "no result")
			continue
		}
		w := math.Max(x(b.mbps), 1)
		label := numfmt.MBps(b.mbps) + " MB/s"
		if b.found && !b.verdict.OK {
			fmt.Fprintf(s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%d" fill="url(#hatch)" stroke="#c4475d"/>`+"\n", ax, y, w, barH)
			label += " ≠ truth"
		} else {
			fmt.Fprintf(s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%d" fill="%s"/>`+"\n", ax, y, w, barH, fill)
		}
		text(s, ax+w+4, y+barH-2, 11, "#222", weight, "start", label)
	}
}

// ratio describes fastsse's speed against the fastest peer whose output
// matched the ground truth.
func ratio(bars []bar) string {
	var own float64
	best, bestName := 0.0, ""
	for _, b := range bars {
		switch {
		case b.p.Name == "fastsse":
			own = b.mbps
		case b.p.Kind == peers.KindSSE && b.found && b.verdict.OK && b.mbps > best:
			best, bestName = b.mbps, b.p.Name
		}
	}
	if own == 0 || best == 0 {
		return ""
	}
	return fmt.Sprintf("fastsse %.1f× the best peer (%s)", own/best, bestName)
}

// decade labels 10^d MB/s.
func decade(d float64) string {
	switch {
	case d >= 3:
		return fmt.Sprintf("%.0fk", math.Pow(10, d-3))
	case d >= 0:
		return fmt.Sprintf("%.0f", math.Pow(10, d))
	default:
		return fmt.Sprintf("%g", math.Pow(10, d))
	}
}

// clip shortens s to n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// text writes a text element.
func text(s *strings.Builder, x, y float64, size int, fill, weight, anchor, t string) {
	fmt.Fprintf(s, `<text x="%.1f" y="%.1f" font-size="%d" fill="%s" font-weight="%s" text-anchor="%s">%s</text>`+"\n",
		x, y, size, fill, weight, anchor, html.EscapeString(t))
}
