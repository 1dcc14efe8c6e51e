package peers

import (
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/fastsse/sse/internal/corpus"
)

// Verdict is the outcome of checking one parser on one corpus.
type Verdict struct {
	Corpus string `json:"corpus"`
	Parser string `json:"parser"`
	Kind   Kind   `json:"kind"`
	// OK is true when the parser read the corpus without error and its
	// output matched the ground truth.
	OK bool `json:"ok"`
	// Failed is true when the parser stopped with an error or panicked: it
	// did not read the whole corpus, so it is not timed.
	Failed bool `json:"failed"`
	// Reason says, in one line, how the output differs or why it stopped;
	// empty when OK.
	Reason string `json:"reason,omitempty"`
	// Got and Want are the truth of what an SSE parser dispatched and of
	// the corpus; for a baseline, Got.Events and Want.Events hold its count.
	Got  corpus.Truth `json:"got"`
	Want corpus.Truth `json:"want"`
}

// Verify reads the corpus c with p and compares the result with the
// corpus's ground truth. An SSE parser whose output differs is compared
// event by event with fastsse's output (itself verified first) to say where
// it differs.
func Verify(p Parser, c *corpus.Corpus) Verdict {
	v, _ := verify(p, c)
	return v
}

// verify is Verify, also returning the events read by an SSE parser.
func verify(p Parser, c *corpus.Corpus) (Verdict, []Event) {
	v := Verdict{Corpus: c.Name, Parser: p.Name, Kind: p.Kind, Want: c.Truth}
	if p.Kind == KindBaseline {
		want := p.Want(c.Bytes)
		v.Want = corpus.Truth{Events: want}
		n, err := safeCount(p, NewFeed(c))
		v.Got = corpus.Truth{Events: n}
		switch {
		case err != nil:
			v.Failed, v.Reason = true, err.Error()
		case n != want:
			v.Reason = fmt.Sprintf("counted %d, want %d", n, want)
		default:
			v.OK = true
		}
		return v, nil
	}
	rec := &Recorder{Keep: true}
	err := safeRead(p, NewFeed(c), rec)
	v.Got = rec.Tally.Truth()
	switch {
	case err != nil:
		v.Failed = true
		v.Reason = fmt.Sprintf("%v (after %d of %d events)", err, v.Got.Events, v.Want.Events)
	case v.Got != v.Want:
		v.Reason = fmt.Sprintf("truth %+v, want %+v", v.Got, v.Want)
		if p.Name != fastsse.Name {
			if ref, ok := reference(c); ok {
				v.Reason = Diff(rec.Events, ref)
			}
		}
	default:
		v.OK = true
	}
	return v, rec.Events
}

// reference returns fastsse's events for c, when they match the truth.
func reference(c *corpus.Corpus) ([]Event, bool) {
	refMu.Lock()
	defer refMu.Unlock()
	r, ok := refs[c.Name]
	if !ok {
		v, evs := verify(fastsse, c)
		r = refEvents{evs, v.OK}
		refs[c.Name] = r
	}
	return r.events, r.ok
}

type refEvents struct {
	events []Event
	ok     bool
}

var (
	refMu sync.Mutex
	refs  = map[string]refEvents{}
)

// Cached returns Verify(p, c), computing it once per process: the
// benchmarks check before timing, and go test calls a benchmark function
// once per -count.
func Cached(p Parser, c *corpus.Corpus) Verdict {
	key := p.Name + "\x00" + c.Name
	if v, ok := cache.Load(key); ok {
		return v.(Verdict)
	}
	v := Verify(p, c)
	cache.Store(key, v)
	return v
}

var cache sync.Map

// safeRead runs p.Read, turning a panic into an error.
func safeRead(p Parser, r io.Reader, sink Sink) (err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("panic: %v", e)
		}
	}()
	return p.Read(r, sink)
}

// safeCount runs p.Count, turning a panic into an error.
func safeCount(p Parser, r *Feed) (n int, err error) {
	defer func() {
		if e := recover(); e != nil {
			err = fmt.Errorf("panic: %v", e)
		}
	}()
	return p.Count(r)
}

// Diff describes in one line how the events got differ from want: how many
// differ, and the first difference.
func Diff(got, want []Event) string {
	differ, first := 0, -1
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			differ++
			if first < 0 {
				first = i
			}
		}
	}
	s := ""
	if len(got) != len(want) {
		s = fmt.Sprintf("%d events, want %d; ", len(got), len(want))
	}
	if first < 0 {
		if len(got) > len(want) {
			return s + fmt.Sprintf("first extra: %s", describe(got[len(want)]))
		}
		if len(got) < len(want) {
			return s + fmt.Sprintf("first missing: %s", describe(want[len(got)]))
		}
		return "same events"
	}
	g, w := got[first], want[first]
	var field string
	switch {
	case g.Type != w.Type:
		field = "type " + excerpt(g.Type, w.Type)
	case g.ID != w.ID:
		field = "id " + excerpt(g.ID, w.ID)
	default:
		field = "data " + excerpt(g.Data, w.Data)
	}
	return s + fmt.Sprintf("%d events differ; first, event %d: %s", differ, first, field)
}

// describe shows an event briefly.
func describe(e Event) string {
	return fmt.Sprintf("{type %s id %s data %s}", clip(e.Type), clip(e.ID), clip(e.Data))
}

// excerpt shows got and want around their first difference.
func excerpt(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(i-12, 0)
	cut := func(s string) string {
		to := min(len(s), i+12)
		q := strconv.Quote(s[min(from, len(s)):to])
		if from > 0 {
			q = "…" + q
		}
		if to < len(s) {
			q += "…"
		}
		return q
	}
	return fmt.Sprintf("%s, want %s (byte %d of %d, want %d bytes)", cut(got), cut(want), i, len(got), len(want))
}

// clip quotes s, shortened to 40 bytes.
func clip(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:40]) + "…"
	}
	return strconv.Quote(s)
}
