package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/fastsse/sse"
)

const chatFile = "../../testdata/chat.sse"

// runSSE runs the command in-process with args and stdin, returning the exit
// code and what it wrote.
func runSSE(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// writeFile writes content to a new file in a temporary directory.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	name := filepath.Join(t.TempDir(), "stream.sse")
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// catInput holds what the output formats must render faithfully: quotes and
// backslashes, multi-line data, a persisting id, non-ASCII text, HTML
// characters, control characters, U+2028, invalid UTF-8 (decoded to U+FFFD),
// empty data, CRLF, a comment, a retry field and a discarded unterminated
// event.
const catInput = "retry: 10\n" +
	"id: 1\nevent: note\ndata: {\"q\":\"say \\\"hi\\\"\"}\n\n" +
	"data: line one\ndata: line two\n\n" +
	"id: é/2\ndata: café ☕ 😀 <b>&</b>\n\n" +
	": comment\n\n" +
	"data: tab\there\x01\r\n\r\n" +
	"data: \u2028 sep \xff\n\n" +
	"data:\n\n" +
	"data: unterminated"

const catJSON = `{"type":"note","id":"1","data":"{\"q\":\"say \\\"hi\\\"\"}"}
{"type":"message","id":"1","data":"line one\nline two"}
{"type":"message","id":"é/2","data":"café ☕ 😀 <b>&</b>"}
{"type":"message","id":"é/2","data":"tab\there\u0001"}
{"type":"message","id":"é/2","data":"\u2028 sep �"}
{"type":"message","id":"é/2","data":""}
`

const catText = "event: note  id: 1\n{\"q\":\"say \\\"hi\\\"\"}\n\n" +
	"event: message  id: 1\nline one\nline two\n\n" +
	"event: message  id: é/2\ncafé ☕ 😀 <b>&</b>\n\n" +
	"event: message  id: é/2\ntab\there\x01\n\n" +
	"event: message  id: é/2\n\u2028 sep \uFFFD\n\n" +
	"event: message  id: é/2\n\n\n"

func TestCatJSON(t *testing.T) {
	file := writeFile(t, catInput)
	for _, args := range [][]string{
		{"cat", "--json", file},
		{"cat", "-json", file},
		{"cat", file, "--json"}, // flags may follow SRC
		{"cat", "--json", "--", file},
	} {
		code, out, errOut := runSSE(t, "", args...)
		if code != exitOK || errOut != "" {
			t.Errorf("%q: exit %d, stderr %q; want 0 and nothing", args, code, errOut)
		}
		if out != catJSON {
			t.Errorf("%q output:\n%s\nwant:\n%s", args, out, catJSON)
		}
	}
}

func TestCatText(t *testing.T) {
	code, out, errOut := runSSE(t, "", "cat", writeFile(t, catInput))
	if code != exitOK || errOut != "" {
		t.Errorf("exit %d, stderr %q; want 0 and nothing", code, errOut)
	}
	if out != catText {
		t.Errorf("output:\n%q\nwant:\n%q", out, catText)
	}
	// An event with no id in effect has no id in its header.
	code, out, _ = runSSE(t, "event: ping\ndata: x\n\n", "cat", "-")
	if want := "event: ping\nx\n\n"; code != exitOK || out != want {
		t.Errorf("event without id: exit %d, output %q; want 0, %q", code, out, want)
	}
}

func TestCatStdin(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"cat", "--json", "-"}, catJSON},
		{[]string{"cat", "-", "--json"}, catJSON},
		{[]string{"cat", "-"}, catText},
	} {
		code, out, errOut := runSSE(t, catInput, tc.args...)
		if code != exitOK || errOut != "" || out != tc.want {
			t.Errorf("%q: exit %d, stderr %q, output:\n%s\nwant 0, nothing, output:\n%s", tc.args, code, errOut, out, tc.want)
		}
	}
}

func TestCatEmpty(t *testing.T) {
	for _, src := range []string{writeFile(t, ""), "-"} {
		code, out, errOut := runSSE(t, "", "cat", "--json", src)
		if code != exitOK || out != "" || errOut != "" {
			t.Errorf("cat %s of an empty stream: exit %d, stdout %q, stderr %q; want 0 and nothing", src, code, out, errOut)
		}
	}
}

func TestCatRecordingMatchesLibrary(t *testing.T) {
	// Every event of the recording, and nothing else, comes out as one
	// JSON line that decodes back to the event.
	f, err := os.Open(chatFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []jsonEvent
	for ev, err := range sse.Read(f) {
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, jsonEvent{Type: ev.Type, ID: ev.ID, Data: ev.Data})
	}

	code, out, errOut := runSSE(t, "", "cat", "--json", chatFile)
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines for %d events:\n%s", len(lines), len(want), out)
	}
	for i, line := range lines {
		var got jsonEvent
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d %q: %v", i+1, line, err)
		}
		if got != want[i] {
			t.Errorf("line %d = %+v; want %+v", i+1, got, want[i])
		}
	}
}

func TestCatMissingFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "missing.sse")
	code, out, errOut := runSSE(t, "", "cat", name)
	if code != exitFail || out != "" {
		t.Errorf("exit %d, stdout %q; want %d and nothing", code, out, exitFail)
	}
	if want := "sse cat: " + name + ": no such file or directory\n"; errOut != want {
		t.Errorf("stderr %q; want %q", errOut, want)
	}
}

func TestCatTooLong(t *testing.T) {
	input := "data: ok\n\ndata: this line is too long\n\ndata: never\n\n"
	for _, src := range []string{writeFile(t, input), "-"} {
		code, out, errOut := runSSE(t, input, "cat", "--json", "--max-size", "10", src)
		if code != exitFail {
			t.Errorf("cat %s: exit %d; want %d", src, code, exitFail)
		}
		// The event before the error is printed.
		if want := `{"type":"message","id":"","data":"ok"}` + "\n"; out != want {
			t.Errorf("cat %s: stdout %q; want %q", src, out, want)
		}
		if !strings.Contains(errOut, "--max-size") || !strings.Contains(errOut, "10 bytes") {
			t.Errorf("cat %s: stderr %q does not name the limit and --max-size", src, errOut)
		}
	}
	// The same input is fine with the default limit.
	if code, _, errOut := runSSE(t, input, "cat", "-"); code != exitOK {
		t.Errorf("default limit: exit %d, stderr %q", code, errOut)
	}
}

func TestCatStreamsNonRegularFile(t *testing.T) {
	// A path that is not a regular file (here a pipe, as /dev/stdin or a
	// process substitution would be) is read as a stream, not mapped.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		io.WriteString(w, catInput)
		w.Close()
	}()
	name := "/dev/fd/" + strconv.Itoa(int(r.Fd()))
	if _, err := os.Stat(name); err != nil {
		t.Fatalf("this system has no %s: %v", name, err)
	}
	code, out, errOut := runSSE(t, "", "cat", "--json", name)
	if code != exitOK || errOut != "" || out != catJSON {
		t.Errorf("exit %d, stderr %q, output:\n%s\nwant 0, nothing, output:\n%s", code, errOut, out, catJSON)
	}
}

// scriptedReader returns one chunk per Read and, at each Read, notes what
// has been written to out so far.
type scriptedReader struct {
	chunks []string
	out    *bytes.Buffer
	seen   []string // out's contents at each Read
}

func (r *scriptedReader) Read(p []byte) (int, error) {
	r.seen = append(r.seen, r.out.String())
	if len(r.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.chunks[0])
	r.chunks[0] = r.chunks[0][n:]
	if r.chunks[0] == "" {
		r.chunks = r.chunks[1:]
	}
	return n, nil
}

func TestCatLiveFlush(t *testing.T) {
	// Reading standard input, each event must be written out before the
	// next read, which may block for as long as the writer likes.
	var out bytes.Buffer
	in := &scriptedReader{chunks: []string{"data: one\n\n", "id: 2\ndata: two\n\n"}, out: &out}
	if code := run([]string{"cat", "--json", "-"}, in, &out, io.Discard); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	line1 := `{"type":"message","id":"","data":"one"}` + "\n"
	line2 := `{"type":"message","id":"2","data":"two"}` + "\n"
	want := []string{"", line1, line1 + line2}
	if !slices.Equal(in.seen, want) {
		t.Errorf("output at each read:\n%q\nwant:\n%q", in.seen, want)
	}
}

func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		code       int
		stdout     string // substring expected on stdout ("" for empty output)
		stderrWant string // substring expected on stderr ("" for empty output)
	}{
		{nil, exitUsage, "", "sse <command>"},
		{[]string{"help"}, exitOK, "cat ", ""},
		{[]string{"-h"}, exitOK, "cat ", ""},
		{[]string{"--help"}, exitOK, "cat ", ""},
		{[]string{"help", "cat"}, exitOK, "--max-size", ""},
		{[]string{"help", "nope"}, exitUsage, "", `unknown command "nope"`},
		{[]string{"help", "cat", "extra"}, exitUsage, "", "usage: sse help"},
		{[]string{"nope"}, exitUsage, "", `unknown command "nope"`},
		{[]string{"cat", "-h"}, exitOK, "", "usage: sse cat"},
		{[]string{"cat"}, exitUsage, "", "want one SRC, got 0"},
		{[]string{"cat", "a.sse", "b.sse"}, exitUsage, "", "want one SRC, got 2"},
		{[]string{"cat", "--bogus", "-"}, exitUsage, "", "sse cat: flag provided but not defined: --bogus\nRun 'sse help cat' for usage.\n"},
		{[]string{"cat", "-x", "-"}, exitUsage, "", "sse cat: flag provided but not defined: -x\nRun 'sse help cat' for usage.\n"},
		{[]string{"record", "--bogus"}, exitUsage, "", "sse record: flag provided but not defined: --bogus\nRun 'sse help record' for usage.\n"},
		{[]string{"serve", "--bogus", "f"}, exitUsage, "", "sse serve: flag provided but not defined: --bogus\nRun 'sse help serve' for usage.\n"},
		{[]string{"cat", "--once", "--reconnect", "http://x/"}, exitUsage, "", "--once and --reconnect exclude each other"},
		{[]string{"cat", "--max-size", "0", "-"}, exitUsage, "", "--max-size must be positive"},
		{[]string{"cat", "--max-size", "-5", "-"}, exitUsage, "", "--max-size must be positive"},
		{[]string{"cat", "--max-size", "ten", "-"}, exitUsage, "", "invalid value \"ten\" for flag --max-size: parse error"},
		{[]string{"cat", "-", "--max-size"}, exitUsage, "", "flag needs an argument: --max-size"},
		{[]string{"--version"}, exitOK, "sse version ", ""},
		{[]string{"--version", "x"}, exitUsage, "", "takes no arguments"},
	} {
		code, out, errOut := runSSE(t, "", tc.args...)
		if code != tc.code {
			t.Errorf("%q: exit %d; want %d (stderr %q)", tc.args, code, tc.code, errOut)
		}
		check := func(what, got, want string) {
			switch {
			case want == "" && got != "":
				t.Errorf("%q: %s %q; want nothing", tc.args, what, got)
			case !strings.Contains(got, want):
				t.Errorf("%q: %s %q; want it to contain %q", tc.args, what, got, want)
			}
		}
		check("stdout", out, tc.stdout)
		check("stderr", errOut, tc.stderrWant)
		// A mistake is told in two lines at most (the error and where to
		// find help), not with the whole help.
		if code == exitUsage && len(tc.args) > 0 && tc.args[0] != "help" && lookup(tc.args[0]) != nil &&
			(strings.Count(errOut, "\n") > 2 || strings.Contains(errOut, "Flags:")) {
			t.Errorf("%q: a usage error printed %d lines:\n%s", tc.args, strings.Count(errOut, "\n"), errOut)
		}
	}
}

func TestBinary(t *testing.T) {
	// Build the real command and run it, as the README shows.
	bin := sseBinary(t)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "cat", "--json", chatFile)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sse cat --json %s: %v\n%s", chatFile, err, stderr.Bytes())
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr: %q", stderr.Bytes())
	}

	f, err := os.Open(chatFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	events := 0
	for _, err := range sse.Read(f) {
		if err != nil {
			t.Fatal(err)
		}
		events++
	}
	out := stdout.String()
	if !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != events {
		t.Errorf("%d output lines for %d events:\n%s", strings.Count(out, "\n"), events, out)
	}
	first, _, _ := strings.Cut(out, "\n")
	const want = `{"type":"message","id":"1","data":"{\"id\":\"chatcmpl-42\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}"}`
	if first != want {
		t.Errorf("first line:\n%s\nwant:\n%s", first, want)
	}
}
