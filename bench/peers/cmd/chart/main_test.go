package main

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/fastsse/sse/bench/peers"
	"github.com/fastsse/sse/bench/peers/internal/benchdata"
	"github.com/fastsse/sse/internal/corpus"
)

// fixture returns benchmark results for every corpus and parser, with
// fastsse at 1000 MB/s and each other parser slower, and verdicts that are
// all OK but for a failed go-sse on hugeline and a differing r3labs on crlf.
func fixture(t *testing.T) ([]*benchdata.Result, []peers.Verdict) {
	t.Helper()
	var out strings.Builder
	var vs []peers.Verdict
	for _, c := range corpus.Names {
		for i, p := range peers.Parsers {
			v := peers.Verdict{Corpus: c, Parser: p.Name, Kind: p.Kind, OK: true}
			switch {
			case c == "hugeline" && p.Name == "go-sse":
				v.OK, v.Failed, v.Reason = false, true, "boom <too long>"
			case c == "crlf" && p.Name == "r3labs":
				v.OK, v.Reason = false, "keeps CR"
			}
			vs = append(vs, v)
			if v.Failed {
				continue
			}
			fmt.Fprintf(&out, "BenchmarkRead/corpus=%s/parser=%s-2 10 100 ns/op %d MB/s 1 B/op 1 allocs/op\n", c, p.Name, 1000/(i+1))
		}
	}
	rs, err := benchdata.Parse(strings.NewReader(out.String()))
	if err != nil {
		t.Fatal(err)
	}
	return rs, vs
}

func TestDraw(t *testing.T) {
	rs, vs := fixture(t)
	svg := draw(rs, vs, "2030-01-02", "go9 · CPU X · 3 CPUs", "-count=6")
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := d.Token(); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("not well-formed XML: %v", err)
			}
			break
		}
	}
	for _, want := range []string{
		"2030-01-02", "go9 · CPU X · 3 CPUs", "-count=6",
		"✗ not timed: boom &lt;too long&gt;", // escaped, with the reason
		"250 MB/s ≠ truth",                   // r3labs on crlf: the fourth parser, 1000/4 MB/s
		"fastsse 2.0× the best peer (go-sse)",
		"fastsse 3.0× the best peer (launchdarkly)", // hugeline: go-sse failed
		"How to read this",                          // in the slot after the last panel, whatever their number
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if n := strings.Count(svg, "≠ truth"); n != 1 {
		t.Errorf("%d bars marked as differing, want 1", n)
	}
}
