package corpus

import (
	"bytes"
	"strings"
	"testing"
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

// TestDeterministic checks that generating a corpus again gives the same
// bytes and truth: benchmark results stay comparable across runs.
func TestDeterministic(t *testing.T) {
	for _, gen := range []func() *Corpus{
		func() *Corpus { return small("small", "\n") },
		func() *Corpus { return small("crlf", "\r\n") },
		jsonEvents, multiline, comments, llm, hugeline,
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
