package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// A flag is written with one dash when its name is one letter (-X, -d,
// -H, -q, as curl has them) and with two otherwise (--json, --max-size):
// the synopsis, the help and the error messages all write it so, and the
// flag package accepts both forms.

// dashed returns the name of a flag as the help writes it.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// newFlagSet returns the flag set of a command. It prints nothing itself:
// parseArgs reports errors and help.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseArgs parses the arguments of the command cmd, whose help text is
// usage, allowing flags after positional arguments as well as before them
// ("sse cat file.sse --json"). It returns the positional arguments and
// ok; when !ok the command must return code: exitOK after -h or --help,
// which print the whole help on stderr, exitUsage after a bad flag, which
// prints the error and a one-line hint.
func parseArgs(fs *flag.FlagSet, usage string, args []string, stderr io.Writer) (pos []string, code int, ok bool) {
	pos, err := parseFlags(fs, args)
	switch {
	case err == nil:
		return pos, exitOK, true
	case errors.Is(err, flag.ErrHelp):
		printHelp(stderr, fs, usage)
		return nil, exitOK, false
	default:
		return nil, usageError(stderr, fs.Name(), "%s", dashes(err.Error())), false
	}
}

// usageError prints the error of a bad command line for the command name
// and the one-line hint, and returns exitUsage.
func usageError(stderr io.Writer, name, format string, args ...any) int {
	fmt.Fprintf(stderr, "sse %s: %s\nRun 'sse help %s' for usage.\n", name, fmt.Sprintf(format, args...), name)
	return exitUsage
}

// dashes rewrites the flag names in a message of the flag package, which
// writes every flag with one dash, as the help writes them.
func dashes(msg string) string {
	for _, prefix := range []string{"flag provided but not defined: ", "flag needs an argument: ", "bad flag syntax: "} {
		if rest, ok := strings.CutPrefix(msg, prefix); ok {
			name := strings.TrimLeft(rest, "-")
			if name != "" && !strings.ContainsAny(name, " =") {
				return prefix + dashed(name)
			}
		}
	}
	// invalid value "x" for flag -max-size: ...
	if i := strings.Index(msg, " for flag -"); i >= 0 {
		rest := msg[i+len(" for flag -"):]
		name, tail, _ := strings.Cut(rest, ":")
		return msg[:i] + " for flag " + dashed(name) + ":" + tail
	}
	return msg
}

// printHelp prints a command's help: its usage text, then its flags.
func printHelp(w io.Writer, fs *flag.FlagSet, usage string) {
	fmt.Fprint(w, usage)
	fs.VisitAll(func(f *flag.Flag) {
		arg, text := flag.UnquoteUsage(f)
		line := "  " + dashed(f.Name)
		if arg != "" {
			line += " " + arg
		}
		if def := f.DefValue; def != "" && def != "0" && def != "false" && def != "0s" && def != "[]" {
			text += fmt.Sprintf(" (default %s)", def)
		}
		fmt.Fprintf(w, "%s\n    \t%s\n", line, strings.ReplaceAll(text, "\n", "\n    \t"))
	})
}

// parseFlags parses args with fs, allowing flags after positional
// arguments as well as before them ("sse cat file.sse --json"), and returns
// the positional arguments. Everything after a "--" is positional.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
