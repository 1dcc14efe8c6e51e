package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/fastsse/sse"
)

// scannerCount is the number of events the library's Scanner dispatches
// from input.
func scannerCount(t *testing.T, input string) int64 {
	t.Helper()
	var n int64
	for _, err := range sse.Read(strings.NewReader(input)) {
		if err != nil {
			t.Fatalf("%q: %v", input, err)
		}
		n++
	}
	return n
}

// counterCount feeds input to an eventCounter in chunks cut at random.
func counterCount(input string, rng *rand.Rand) int64 {
	var c eventCounter
	for len(input) > 0 {
		k := 1 + rng.IntN(len(input))
		c.Write([]byte(input[:k]))
		input = input[k:]
	}
	return c.events
}

// TestEventCounterMatchesScanner checks the counter against the Scanner on
// every conformance vector and on random streams, fed in random chunks.
func TestEventCounterMatchesScanner(t *testing.T) {
	b, err := os.ReadFile("../../testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vectors []struct {
		Name  string `json:"name"`
		Input string `json:"input_b64"`
	}
	if err := json.Unmarshal(b, &vectors); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := map[string]string{}
	for _, v := range vectors {
		in, err := base64.StdEncoding.DecodeString(v.Input)
		if err != nil {
			t.Fatal(err)
		}
		inputs[v.Name] = string(in)
	}
	// Random streams from the pieces that matter to the counter.
	pieces := []string{"data", "data:", "data: x", "dat", "datax:", "\uFEFF", "\xEF\xBB", ":", ": c", "id: 1", "event: e", "x", "\n", "\r", "\r\n", "\n\n"}
	for i := range 2000 {
		var sb strings.Builder
		for range rng.IntN(30) {
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		inputs[fmt.Sprintf("random %d", i)] = sb.String()
	}
	for name, in := range inputs {
		want := scannerCount(t, in)
		for range 3 {
			if got := counterCount(in, rng); got != want {
				t.Fatalf("%s: input %q: counted %d events; the Scanner dispatches %d", name, in, got, want)
			}
		}
	}
	t.Logf("%d inputs agree", len(inputs))
}
