package corpus

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// naiveTruth reads a stream with the simplest reading of WHATWG HTML §9.2.6
// (line ends normalised first, then one line at a time) and tallies the
// events, independently of the generators and of the Scanner.
func naiveTruth(stream []byte) Truth {
	s := strings.ReplaceAll(string(stream), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	lines = lines[:len(lines)-1] // the text after the last line end is not a line
	var (
		ta                Tally
		data              []string
		typ, lastID, idIn string
		haveID            bool
	)
	for _, line := range lines {
		if line == "" {
			if haveID {
				lastID, haveID = idIn, false
			}
			if data != nil {
				t := typ
				if t == "" {
					t = "message"
				}
				ta.Add([]byte(t), []byte(lastID), []byte(strings.Join(data, "\n")))
			}
			data, typ = nil, ""
			continue
		}
		if line[0] == ':' {
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch name {
		case "data":
			data = append(data, value)
		case "event":
			typ = value
		case "id":
			if !strings.Contains(value, "\x00") {
				idIn, haveID = value, true
			}
		}
	}
	return ta.Truth()
}

// TestTruth checks each corpus's ground truth, tallied by its generator,
// against an independent reading of its bytes.
func TestTruth(t *testing.T) {
	for _, c := range All() {
		if got := naiveTruth(c.Bytes); got != c.Truth {
			t.Errorf("%s: read %+v, generator says %+v", c.Name, got, c.Truth)
		}
		if c.Truth.Events == 0 || c.Truth.Bytes == 0 {
			t.Errorf("%s: no events", c.Name)
		}
	}
}

// TestShape checks the corpora's sizes and the features each is for.
func TestShape(t *testing.T) {
	for _, c := range All() {
		if n := len(c.Bytes); n < 1<<20 || n > 4<<20+64 {
			t.Errorf("%s: %d bytes, want 1 to 4 MiB", c.Name, n)
		}
	}
	checks := []struct {
		corpus string
		ok     func(b []byte) bool
		what   string
	}{
		{"crlf", func(b []byte) bool { return bytes.Count(b, []byte("\r\n")) == bytes.Count(b, []byte("\n")) }, "every line ends in CRLF"},
		{"small", func(b []byte) bool { return !bytes.Contains(b, []byte("\r")) }, "no CR"},
		{"comments", func(b []byte) bool { return bytes.Contains(b, []byte("\n: heartbeat\n")) }, "comment lines"},
		{"multiline", func(b []byte) bool {
			return bytes.Contains(b, []byte("\ndata: ")) && Get("multiline").Truth.Events*3 <= bytes.Count(b, []byte("data: "))
		}, "3 or more data lines per event"},
		{"llm", func(b []byte) bool {
			return bytes.Contains(b, []byte(`"object":"chat.completion.chunk"`)) && bytes.Contains(b, []byte("data: [DONE]\n\n"))
		}, "chat.completion.chunk events and [DONE]"},
		{"typed", func(b []byte) bool { return everyEvent(b, "\n") && !bytes.Contains(b, []byte("\r")) }, "event: and id: in every event, no CR"},
		{"typed-crlf", func(b []byte) bool {
			return everyEvent(b, "\r\n") && bytes.Count(b, []byte("\r\n")) == bytes.Count(b, []byte("\n"))
		}, "event: and id: in every event, every line ending in CRLF"},
		{"json-accents", func(b []byte) bool { return between(nonASCII(b), 1, 3) && bytes.Contains(b, []byte("\ndata: {")) }, "JSON, 1-3% non-ASCII"},
		{"multiline-accents", func(b []byte) bool {
			return between(nonASCII(b), 3, 6) && Get("multiline-accents").Truth.Events*3 <= bytes.Count(b, []byte("data: "))
		}, "3 or more data lines per event, 3-6% non-ASCII"},
		{"llm-zh", func(b []byte) bool { return between(nonASCII(b), 3, 10) && bytes.Contains(b, []byte("世界")) }, "Chinese deltas"},
		{"llm-ja", func(b []byte) bool {
			return between(nonASCII(b), 3, 10) && bytes.Contains(b, []byte("ありがとう"))
		}, "Japanese deltas"},
		{"llm-emoji", func(b []byte) bool { return between(nonASCII(b), 1, 5) && bytes.Contains(b, []byte("🚀")) }, "deltas with emoji"},
		{"hugeline", func(b []byte) bool {
			return Get("hugeline").Truth.Events == 1 && Get("hugeline").Truth.Bytes == HugeLineSize
		}, "one event of HugeLineSize bytes"},
	}
	for _, ch := range checks {
		if !ch.ok(Get(ch.corpus).Bytes) {
			t.Errorf("%s: want %s", ch.corpus, ch.what)
		}
	}
}

// everyEvent reports whether every event block of b, whose lines end in
// eol, has an event and an id line.
func everyEvent(b []byte, eol string) bool {
	blocks := bytes.Split(b, []byte(eol+eol))
	for _, blk := range blocks[:len(blocks)-1] {
		if !bytes.HasPrefix(blk, []byte("event: ")) || !bytes.Contains(blk, []byte(eol+"id: ")) {
			return false
		}
	}
	return len(blocks) > 1
}

// nonASCII returns the percentage of the bytes of b that are not ASCII.
func nonASCII(b []byte) float64 {
	n := 0
	for _, c := range b {
		if c >= 0x80 {
			n++
		}
	}
	return 100 * float64(n) / float64(len(b))
}

func between(x, lo, hi float64) bool { return lo <= x && x <= hi }

// TestASCII checks which corpora are pure ASCII, and that all are valid
// UTF-8.
func TestASCII(t *testing.T) {
	asciiOnes := []string{"small", "json", "multiline", "crlf", "comments", "llm", "typed", "typed-crlf", "hugeline"}
	for _, c := range All() {
		if ascii := nonASCII(c.Bytes) == 0; ascii != slices.Contains(asciiOnes, c.Name) {
			t.Errorf("%s: ASCII is %v", c.Name, ascii)
		}
		if !utf8.Valid(c.Bytes) {
			t.Errorf("%s: invalid UTF-8", c.Name)
		}
	}
}

// TestDeterministic checks that generating a corpus again gives the same
// bytes and truth: benchmark results stay comparable across runs.
func TestDeterministic(t *testing.T) {
	for _, gen := range []func() *Corpus{
		func() *Corpus { return small("small", "\n") },
		func() *Corpus { return small("crlf", "\r\n") },
		jsonEvents, multiline, comments, llm, hugeline,
		func() *Corpus { return typed("typed", "\n") },
		func() *Corpus { return typed("typed-crlf", "\r\n") },
		jsonAccents, multilineAccents,
		func() *Corpus { return llmText("llm-zh", 6, zhTokens) },
		func() *Corpus { return llmText("llm-ja", 7, jaTokens) },
		func() *Corpus { return llmText("llm-emoji", 8, emojiTokens) },
	} {
		a, b := gen(), gen()
		if !bytes.Equal(a.Bytes, b.Bytes) || a.Truth != b.Truth {
			t.Errorf("%s: two generations differ", a.Name)
		}
		if c := Get(a.Name); !bytes.Equal(a.Bytes, c.Bytes) {
			t.Errorf("%s: differs from Get's", a.Name)
		}
	}
}

// TestTally checks the checksum separates fields, so moving bytes between
// type, id and data changes it.
func TestTally(t *testing.T) {
	sum := func(typ, id, data string) Truth {
		var ta Tally
		ta.Add([]byte(typ), []byte(id), []byte(data))
		return ta.Truth()
	}
	a, b := sum("ab", "", "c"), sum("a", "b", "c")
	if a.Sum == b.Sum {
		t.Error("moving a byte from type to id leaves the checksum unchanged")
	}
	if var0 := (Tally{}); var0.Truth() != (Truth{}) {
		t.Errorf("zero Tally: %+v", var0.Truth())
	}
	if a.Events != 1 || a.TypeBytes != 2 || a.IDBytes != 0 || a.Bytes != 1 {
		t.Errorf("truth %+v", a)
	}
}

// TestGetUnknown checks Get panics on a name it does not know.
func TestGetUnknown(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Get(\"nope\") did not panic")
		}
	}()
	Get("nope")
}
