package peers

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"testing/iotest"
)

// Vector is one case of testdata/vectors.json, the conformance material
// worked out from WHATWG HTML §9.2.6 and the web-platform-tests: an input
// stream and the events a conforming parser dispatches from it, each with
// its type ("message" by default), data and the last event ID in effect.
type Vector struct {
	Name   string  `json:"name"`
	Source string  `json:"source"`
	Input  string  `json:"input_b64"`
	Events []Event `json:"events"`
}

// LoadVectors reads the conformance vectors from the JSON file name.
func LoadVectors(name string) ([]Vector, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var vs []Vector
	if err := json.Unmarshal(b, &vs); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return vs, nil
}

// Feeds are the ways a vector's input is given to a parser: whole, and one
// byte per Read.
var Feeds = []struct {
	Name   string
	Reader func(in []byte) io.Reader
}{
	{"whole", func(in []byte) io.Reader { return &Feed{data: in} }},
	{"one-byte", func(in []byte) io.Reader { return iotest.OneByteReader(&Feed{data: in}) }},
}

// Conformance is how one parser fared on the vectors under one feed.
type Conformance struct {
	Parser   string    `json:"parser"`
	Feed     string    `json:"feed"`
	Passed   int       `json:"passed"`
	Total    int       `json:"total"`
	Failures []Failure `json:"failures,omitempty"`
}

// Failure is a vector a parser got wrong, and how.
type Failure struct {
	Vector string `json:"vector"`
	Reason string `json:"reason"`
}

// Check runs the vector through p with the given reader and says how the
// result differs from what the vector expects, or "" when it does not.
// Only the events are compared (type, id, data); the final reconnection
// time is not, since not every peer reports it.
func (v Vector) Check(p Parser, r io.Reader) string {
	rec := &Recorder{Keep: true}
	if err := safeRead(p, r, rec); err != nil {
		return fmt.Sprintf("error: %v", err)
	}
	want := v.Events
	if want == nil {
		want = []Event{}
	}
	got := rec.Events
	if got == nil {
		got = []Event{}
	}
	if len(got) == len(want) {
		same := true
		for i := range got {
			same = same && got[i] == want[i]
		}
		if same {
			return ""
		}
	}
	return Diff(got, want)
}

// RunConformance runs every vector through p under every feed.
func RunConformance(p Parser, vs []Vector) ([]Conformance, error) {
	var out []Conformance
	for _, f := range Feeds {
		c := Conformance{Parser: p.Name, Feed: f.Name, Total: len(vs)}
		for _, v := range vs {
			in, err := base64.StdEncoding.DecodeString(v.Input)
			if err != nil {
				return nil, fmt.Errorf("vector %s: %w", v.Name, err)
			}
			if reason := v.Check(p, f.Reader(bytes.Clone(in))); reason != "" {
				c.Failures = append(c.Failures, Failure{v.Name, reason})
				continue
			}
			c.Passed++
		}
		out = append(out, c)
	}
	return out, nil
}
