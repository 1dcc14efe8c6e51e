// Package corpus generates the deterministic event streams that fastsse's
// benchmarks, and the peer comparison in bench/peers, run on. Each corpus
// comes with its ground truth, worked out while generating it, so a parser's
// output can be verified before it is timed.
package corpus

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"sync"
)

// Corpus is one generated stream and what a conforming parser dispatches
// from it.
type Corpus struct {
	Name  string
	Bytes []byte
	Truth Truth
}

// Truth summarises the events of a corpus: their count, the total bytes of
// their types, ids (the last event ID in effect) and data, and a checksum
// over all three.
type Truth struct {
	Events                    int
	TypeBytes, IDBytes, Bytes int
	Sum                       uint64
}

// Tally accumulates a Truth from events, in order. The zero value is ready.
type Tally struct {
	t Truth
	h interface {
		Write([]byte) (int, error)
		Sum64() uint64
	}
}

// Add records one event.
func (ta *Tally) Add(typ, id, data []byte) {
	if ta.h == nil {
		ta.h = fnv.New64a()
	}
	ta.t.Events++
	ta.t.TypeBytes += len(typ)
	ta.t.IDBytes += len(id)
	ta.t.Bytes += len(data)
	ta.h.Write(typ)
	ta.h.Write([]byte{0})
	ta.h.Write(id)
	ta.h.Write([]byte{0})
	ta.h.Write(data)
	ta.h.Write([]byte{0})
}

// Truth returns the summary of the events added so far.
func (ta *Tally) Truth() Truth {
	t := ta.t
	if ta.h != nil {
		t.Sum = ta.h.Sum64()
	}
	return t
}

// Names lists the corpora in a stable order.
//
// The first six are ASCII. The real-text ones follow: events with a type
// and an id on every event (typed, typed-crlf); JSON and multi-line text
// with accented words, a few percent of their bytes not ASCII
// (json-accents, multiline-accents); LLM deltas in Chinese, Japanese and
// with emoji (llm-zh, llm-ja, llm-emoji). hugeline comes last.
var Names = []string{
	"small", "json", "multiline", "crlf", "comments", "llm",
	"typed", "typed-crlf", "json-accents", "multiline-accents", "llm-zh", "llm-ja", "llm-emoji",
	"hugeline",
}

// target is the approximate size of each generated corpus.
const target = 2 << 20

var (
	once    sync.Once
	corpora map[string]*Corpus
)

// Get returns the named corpus, generating all of them on first use. It
// panics on an unknown name (a programming error in a benchmark).
func Get(name string) *Corpus {
	once.Do(generate)
	c, ok := corpora[name]
	if !ok {
		panic("corpus: unknown corpus " + name)
	}
	return c
}

// All returns every corpus, in the order of Names.
func All() []*Corpus {
	out := make([]*Corpus, 0, len(Names))
	for _, n := range Names {
		out = append(out, Get(n))
	}
	return out
}

// builder writes a stream and tallies the events it dispatches.
type builder struct {
	b      bytes.Buffer
	tally  Tally
	lastID string
	eol    string
}

// event writes one event: optional type and id, data split into one data
// line per "\n", then the blank line. An empty id leaves the last event ID
// as it was.
func (w *builder) event(typ, id, data string) {
	if typ != "" {
		w.b.WriteString("event: " + typ + w.eol)
	}
	if id != "" {
		w.b.WriteString("id: " + id + w.eol)
		w.lastID = id
	}
	for line := range strings.SplitSeq(data, "\n") {
		w.b.WriteString("data: " + line + w.eol)
	}
	w.b.WriteString(w.eol)
	if typ == "" {
		typ = "message"
	}
	w.tally.Add([]byte(typ), []byte(w.lastID), []byte(data))
}

func (w *builder) comment(text string) { w.b.WriteString(": " + text + w.eol) }

func (w *builder) corpus(name string) *Corpus {
	return &Corpus{Name: name, Bytes: w.b.Bytes(), Truth: w.tally.Truth()}
}

func generate() {
	corpora = map[string]*Corpus{}
	add := func(c *Corpus) { corpora[c.Name] = c }
	add(small("small", "\n"))
	add(small("crlf", "\r\n"))
	add(jsonEvents())
	add(multiline())
	add(comments())
	add(llm())
	add(typed("typed", "\n"))
	add(typed("typed-crlf", "\r\n"))
	add(jsonAccents())
	add(multilineAccents())
	add(llmText("llm-zh", 6, zhTokens))
	add(llmText("llm-ja", 7, jaTokens))
	add(llmText("llm-emoji", 8, emojiTokens))
	add(hugeline())
}

func rng(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// small is short events ("hello 42"), an id on every tenth and a type on
// every seventh; crlf is the same with CRLF line ends.
func small(name, eol string) *Corpus {
	w := &builder{eol: eol}
	r := rng(1)
	for i := 0; w.b.Len() < target; i++ {
		var typ, id string
		if i%7 == 0 {
			typ = "tick"
		}
		if i%10 == 0 {
			id = fmt.Sprint(i)
		}
		w.event(typ, id, fmt.Sprintf("hello %d", r.IntN(100000)))
	}
	return w.corpus(name)
}

const words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua"

// sentence returns n words picked at random.
func sentence(r *rand.Rand, n int) string {
	ws := strings.Fields(words)
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(ws[r.IntN(len(ws))])
	}
	return b.String()
}

// jsonEvents is 1–4 KB JSON documents, one data line each, with ids.
func jsonEvents() *Corpus {
	w := &builder{eol: "\n"}
	r := rng(2)
	for i := 0; w.b.Len() < target; i++ {
		var items []string
		for n := 8 + r.IntN(24); n > 0; n-- {
			items = append(items, fmt.Sprintf(`{"id":%d,"name":%q,"score":%.3f,"tags":["a","b"]}`, r.IntN(1e6), sentence(r, 6), r.Float64()))
		}
		w.event("update", fmt.Sprint(i), `{"seq":`+fmt.Sprint(i)+`,"items":[`+strings.Join(items, ",")+`]}`)
	}
	return w.corpus("json")
}

// multiline is events of 3 to 10 data lines of text.
func multiline() *Corpus {
	w := &builder{eol: "\n"}
	r := rng(3)
	for w.b.Len() < target {
		lines := make([]string, 3+r.IntN(8))
		for i := range lines {
			lines[i] = sentence(r, 2+r.IntN(8))
		}
		w.event("", "", strings.Join(lines, "\n"))
	}
	return w.corpus("multiline")
}

// comments is small events between runs of heartbeat comments.
func comments() *Corpus {
	w := &builder{eol: "\n"}
	r := rng(4)
	for i := 0; w.b.Len() < target; i++ {
		for n := 1 + r.IntN(5); n > 0; n-- {
			w.comment("heartbeat")
		}
		w.event("", fmt.Sprint(i), fmt.Sprintf("tick %d", i))
	}
	return w.corpus("comments")
}

// llm is an OpenAI-style chat completion stream: chat.completion.chunk
// objects with a few tokens each, ending with [DONE], repeated as many
// responses.
func llm() *Corpus {
	w := &builder{eol: "\n"}
	r := rng(5)
	for resp := 0; w.b.Len() < target; resp++ {
		id := fmt.Sprintf("chatcmpl-%08x", r.Uint32())
		for n := 20 + r.IntN(60); n > 0; n-- {
			content := sentence(r, 1+r.IntN(3)) + " "
			w.event("", "", fmt.Sprintf(`{"id":%q,"object":"chat.completion.chunk","created":%d,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":%q},"finish_reason":null}]}`,
				id, 1700000000+resp, content))
		}
		w.event("", "", "[DONE]")
	}
	return w.corpus("llm")
}

// HugeLineSize is the length of the data of the hugeline corpus's event.
const HugeLineSize = 4 << 20

// hugeline is one event whose data is a single 4 MiB line.
func hugeline() *Corpus {
	w := &builder{eol: "\n"}
	w.event("", "", strings.Repeat("x", HugeLineSize))
	return w.corpus("hugeline")
}
