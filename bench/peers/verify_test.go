package peers

import (
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/fastsse/sse/internal/corpus"
)

var verdictsOut = flag.String("verdicts", "", "write the verdicts of TestVerify to this JSON file")

// TestVerify checks every parser on every corpus, and every writer on every
// write case, as the benchmarks do before timing, and writes the verdicts
// for the report with -verdicts.
// fastsse and the baselines must match the ground truth; what the peers do
// is recorded, whatever it is, and logged.
func TestVerify(t *testing.T) {
	var all []Verdict
	for _, c := range corpus.All() {
		for _, p := range Parsers {
			v := Cached(p, c)
			all = append(all, v)
			switch {
			case v.OK:
			case p.Name == fastsse.Name || p.Kind == KindBaseline:
				t.Errorf("%s on %s: %s", p.Name, c.Name, v.Reason)
			default:
				t.Logf("%s on %s disagrees: %s", p.Name, c.Name, v.Reason)
			}
		}
	}
	for _, wc := range append(WriteCases[:len(WriteCases):len(WriteCases)], RoundTripCases...) {
		for _, w := range EventWriters {
			v, _ := VerifyWriter(w, wc)
			all = append(all, v)
			switch {
			case v.OK:
			case w.Name == fastsse.Name:
				t.Errorf("fastsse writer on %s: %s", wc.Name, v.Reason)
			default:
				t.Logf("%s writer on %s disagrees: %s", w.Name, wc.Name, v.Reason)
			}
		}
	}
	if *verdictsOut != "" {
		writeJSON(t, *verdictsOut, all)
	}
}

// TestVerifyDetects checks that verification notices a parser that drops
// an event, alters data or fails, so a disagreeing peer cannot pass.
func TestVerifyDetects(t *testing.T) {
	c := corpus.Get("small")
	drop := fastsse
	drop.Name = "drop-first"
	drop.Read = func(r io.Reader, sink Sink) error {
		first := true
		return fastsse.Read(r, sinkFunc(func(typ, id, data []byte) {
			if !first {
				sink.Event(typ, id, data)
			}
			first = false
		}))
	}
	alter := fastsse
	alter.Name = "keep-cr"
	alter.Read = func(r io.Reader, sink Sink) error {
		return fastsse.Read(r, sinkFunc(func(typ, id, data []byte) {
			sink.Event(typ, id, append(append([]byte(nil), data...), '\r'))
		}))
	}
	fail := fastsse
	fail.Name = "fail"
	fail.Read = func(io.Reader, Sink) error { return errors.New("broken") }
	for _, tc := range []struct {
		p      Parser
		failed bool
		reason string
	}{
		{drop, false, "events, want"},
		{alter, false, `"hello`},
		{fail, true, "broken"},
	} {
		v := Verify(tc.p, c)
		if v.OK || v.Failed != tc.failed || !strings.Contains(v.Reason, tc.reason) {
			t.Errorf("%s: verdict %+v, want not OK, failed %v, reason containing %q", tc.p.Name, v, tc.failed, tc.reason)
		}
	}
}

// sinkFunc adapts a function to Sink.
type sinkFunc func(typ, id, data []byte)

func (f sinkFunc) Event(typ, id, data []byte) { f(typ, id, data) }

// writeJSON writes v, indented, to the file name.
func writeJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
