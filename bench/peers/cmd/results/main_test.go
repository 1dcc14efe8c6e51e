package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastsse/sse/bench/peers"
	"github.com/fastsse/sse/bench/peers/internal/benchdata"
	"github.com/fastsse/sse/internal/corpus"
)

// fixture returns a report with fastsse at 1000 MB/s and each other parser
// slower, all verified but for a failed go-sse on hugeline and a differing
// r3labs on crlf, and one failing conformance case for go-sse.
func fixture(t *testing.T) *report {
	t.Helper()
	var out strings.Builder
	r := &report{verdicts: map[string]peers.Verdict{}, date: "2030-01-02", machine: "M", settings: "S",
		command: "./run.sh", chart: "chart.svg", benchstat: "BENCHSTAT OUTPUT", utf8Cases: 1}
	for _, c := range corpus.Names {
		for i, p := range peers.Parsers {
			v := peers.Verdict{Corpus: c, Parser: p.Name, Kind: p.Kind, OK: true}
			switch {
			case c == "hugeline" && p.Name == "go-sse":
				v.OK, v.Failed, v.Reason = false, true, "token too long"
			case c == "crlf" && p.Name == "r3labs":
				v.OK, v.Reason = false, "keeps CR"
			}
			r.verdicts[c+"\x00"+p.Name] = v
			if !v.Failed {
				fmt.Fprintf(&out, "BenchmarkRead/corpus=%s/parser=%s-2 10 100 ns/op %d MB/s 5 ns/event 1 B/op 1 allocs/op\n", c, p.Name, 1000/(i+1))
			}
		}
	}
	for _, wc := range peers.WriteCases {
		for i, w := range peers.EventWriters {
			r.verdicts[wc.Name+"\x00"+w.Name] = peers.Verdict{Corpus: wc.Name, Parser: w.Name, Kind: "writer", OK: true}
			fmt.Fprintf(&out, "BenchmarkWrite/event=%s/writer=%s-2 10 %d ns/op 0 B/op 0 allocs/op\n", wc.Name, w.Name, 100*(i+1))
		}
	}
	var err error
	if r.bench, err = benchdata.Parse(strings.NewReader(out.String())); err != nil {
		t.Fatal(err)
	}
	r.conformance = []peers.Conformance{
		{Parser: "fastsse", Feed: "whole", Passed: 2, Total: 2},
		{Parser: "go-sse", Feed: "whole", Passed: 1, Total: 2, Failures: []peers.Failure{{Vector: "invalid-utf8-x", Reason: "a|b"}}},
	}
	return r
}

func TestRender(t *testing.T) {
	md := fixture(t).render()
	for _, want := range []string{
		"Run on 2030-01-02: M; S.",
		"| small | **1,000** | 500 | 333 | 250 |",  // MB/s by parser
		"| crlf | **1,000** | 500 | 333 | 250 ≠ |", // r3labs differs
		"| hugeline | **1,000** | ✗ | 333 | 250 |", // go-sse failed
		"**2.0×** (vs go-sse)",                     // fastsse ÷ best peer
		"**3.0×** (vs launchdarkly)",               // hugeline: go-sse failed
		"1. `r3labs on crlf: keeps CR`",            // verification notes
		"2. `go-sse on hugeline: token too long`",  //
		"| go-sse | 1/2 | — | 1 | 0 |",             // conformance counts
		"| `invalid-utf8-x` | a\\|b |",             // failures, escaped
		"**2.00×** (vs go-sse)",                    // writers: 200 ns ÷ 100 ns
		"BENCHSTAT OUTPUT",
		"1 cases (named `invalid-utf8-…`)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("RESULTS.md lacks %q", want)
		}
	}
}

func TestSplice(t *testing.T) {
	r := fixture(t)
	name := filepath.Join(t.TempDir(), "README.md")
	orig := "# Title\n\nbefore\n\n" + beginMarker + "\nold\n" + endMarker + "\n\nafter\n"
	if err := os.WriteFile(name, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 2 { // twice: splicing again replaces, not appends
		if err := r.splice(name); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if !strings.HasPrefix(got, "# Title\n\nbefore\n\n"+beginMarker) || !strings.HasSuffix(got, endMarker+"\n\nafter\n") {
		t.Errorf("text outside the markers changed:\n%s", got)
	}
	if strings.Contains(got, "old") || strings.Count(got, beginMarker) != 1 || strings.Count(got, "| small |") != 1 {
		t.Errorf("summary not replaced exactly once:\n%s", got)
	}
	if want := fmt.Sprintf("2 of %d checks failed", len(corpus.Names)*len(peers.Parsers)); !strings.Contains(got, want) {
		t.Errorf("summary lacks the verification sentence:\n%s", got)
	}
	if err := os.WriteFile(name, []byte("no markers"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.splice(name); err == nil {
		t.Error("splice into a file without markers succeeded")
	}
}
