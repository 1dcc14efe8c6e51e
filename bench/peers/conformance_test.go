package peers

import (
	"flag"
	"testing"
)

var conformanceOut = flag.String("conformance", "", "write the results of TestConformance to this JSON file")

// TestConformance runs the shared conformance vectors through every SSE
// parser, whole and one byte at a time, and writes the pass counts and
// failures for the report with -conformance. fastsse must pass every
// vector; the peers' results are facts to publish, logged here.
func TestConformance(t *testing.T) {
	vs, err := LoadVectors("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	var all []Conformance
	for _, p := range Parsers {
		if p.Kind != KindSSE {
			continue
		}
		res, err := RunConformance(p, vs)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range res {
			t.Logf("%-13s %-8s %3d/%d", c.Parser, c.Feed, c.Passed, c.Total)
			for _, f := range c.Failures {
				if p.Name == fastsse.Name {
					t.Errorf("fastsse %s: %s: %s", c.Feed, f.Vector, f.Reason)
				}
			}
		}
		all = append(all, res...)
	}
	if *conformanceOut != "" {
		writeJSON(t, *conformanceOut, all)
	}
}
