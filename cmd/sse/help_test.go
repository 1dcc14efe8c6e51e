package main

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// flagToken matches a flag as the help texts write it: -X or --name.
var flagToken = regexp.MustCompile(`(?:^|[\s\[|(])(--?[A-Za-z][A-Za-z-]*)`)

// flagsIn returns the flags written in s, in order, without repeats.
func flagsIn(s string) []string {
	var out []string
	for _, m := range flagToken.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// TestSynopsisMatchesHelp checks `sse --help` and `sse help CMD` (and
// `sse CMD --help`) against each other and against the flags each command
// defines: the synopsis lists every flag, with the dashes the help gives
// it (one for a letter, two for a name), and nothing else.
func TestSynopsisMatchesHelp(t *testing.T) {
	_, mainHelp, _ := runSSE(t, "", "--help")
	doc, err := os.ReadFile("main.go") // the command's doc comment, for go doc
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands {
		if !strings.Contains(string(doc), "//\t"+c.synopsis+"\n") {
			t.Errorf("the doc comment in main.go lacks the synopsis %q", c.synopsis)
		}
		_, help, _ := runSSE(t, "", "help", c.name)
		code, help2, _ := runSSE(t, "", c.name, "--help")
		_, help3, errHelp := runSSE(t, "", c.name, "-h")
		if code != exitOK || help2 != "" || help3 != "" {
			t.Errorf("sse %s --help: exit %d, stdout %q; want 0 and the help on stderr", c.name, code, help2)
		}
		if _, _, errHelp2 := runSSE(t, "", c.name, "--help"); errHelp2 != help || errHelp != help {
			t.Errorf("sse %s --help / -h and sse help %s differ", c.name, c.name)
		}
		first, _, _ := strings.Cut(help, "\n")
		if first != "usage: "+c.synopsis {
			t.Errorf("sse help %s starts %q; want %q", c.name, first, "usage: "+c.synopsis)
		}
		if !strings.Contains(mainHelp, "\t"+c.synopsis+"\n") {
			t.Errorf("sse --help does not give the synopsis %q", c.synopsis)
		}

		// The flags the command defines, written as the help writes them.
		var defined []string
		for _, line := range strings.Split(help[strings.Index(help, "\nFlags:\n"):], "\n") {
			if strings.HasPrefix(line, "  -") {
				defined = append(defined, strings.Fields(line)[0])
			}
		}
		if len(defined) == 0 {
			t.Fatalf("sse help %s lists no flags:\n%s", c.name, help)
		}
		for _, f := range defined {
			name := strings.TrimLeft(f, "-")
			if f != dashed(name) {
				t.Errorf("sse help %s lists %s; want %s", c.name, f, dashed(name))
			}
		}
		synFlags := flagsIn(c.synopsis)
		slices.Sort(synFlags)
		want := slices.Clone(defined)
		slices.Sort(want)
		if !slices.Equal(synFlags, want) {
			t.Errorf("sse %s: the synopsis has the flags %q; the help lists %q", c.name, synFlags, want)
		}
		// Wherever the help text names a flag of the command, it writes it
		// with the same dashes.
		for _, f := range flagsIn(help) {
			name := strings.TrimLeft(f, "-")
			for _, d := range defined {
				if strings.TrimLeft(d, "-") == name && d != f {
					t.Errorf("sse help %s writes %s; the flag is %s", c.name, f, d)
				}
			}
		}
	}
}

// TestVersion runs the built command's --version: the module version it
// was built from (a pseudo-version from the checkout here), or (devel).
func TestVersion(t *testing.T) {
	out, err := exec.Command(sseBinary(t), "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^sse version (\(devel\)|v\S+) \(github\.com/fastsse/sse/cmd/sse, go\d\S*\)\n$`)
	if !re.Match(out) {
		t.Errorf("sse --version printed %q; want a match for %s", out, re)
	}
	t.Logf("%s", out)
	if code, stdout, _ := runSSE(t, "", "--version"); code != exitOK || stdout != version()+"\n" {
		t.Errorf("in process: exit %d, %q", code, stdout)
	}
}
