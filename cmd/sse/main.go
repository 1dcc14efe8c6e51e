// Command sse reads server-sent event streams.
//
// Usage:
//
//	sse <command> [arguments]
//	sse --version
//
// The commands are:
//
//	cat     print the events of a stream (a file, a URL, or - for standard input)
//	record  copy a stream's raw bytes (from a URL, or - for standard input)
//	serve   serve a recorded stream as a live SSE endpoint, with a page to watch it
//	hub     run a standalone SSE hub: subscribe at /events, publish with POST /publish
//	help    print usage, or a command's usage: sse help cat
//
// Their synopses:
//
//	sse cat [--json] [--max-size N] [-q] [-X METHOD] [-d BODY] [-H 'Name: value']... [--last-event-id ID] [--once | --reconnect] SRC
//	sse record [--duration D] [-q] [-X METHOD] [-d BODY] [-H 'Name: value']... [SRC]
//	sse serve [--addr ADDR] [--rate N] [--heartbeat D] [--retry D] [--write-timeout D] [--max-size N] FILE
//	sse hub [--addr ADDR] [--redis URL] [--name NAME] [--replay N] [--heartbeat D] [--publish-token TOKEN] [--open-publish] [--topics-from-query] [--ids-from-query]
//
// Run "sse help <command>" for a command's flags and output. A flag of
// one letter takes one dash (-X), a longer one two (--json); either form
// is accepted.
//
// Exit status: 0 on success (and after an interrupt of sse record or sse
// serve), 1 when a stream cannot be opened or read (or output cannot be
// written), 2 for bad usage.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // a source could not be opened or read, or output written
	exitUsage = 2 // bad command line
)

// A command is a subcommand: sse <name> [arguments].
type command struct {
	name     string // what the user types
	short    string // one-line description for the command list
	synopsis string // the command line, every flag in it: the first line of its help
	// run runs the command with the arguments after its name and returns
	// the exit code. It reports its own errors and usage on stderr; given
	// -h it prints its usage and returns exitOK.
	run func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// commands lists the subcommands in the order usage shows them. A new
// subcommand is one entry here and a file holding its run function.
var commands = []command{
	{name: "cat", short: "print the events of a stream (a file, a URL, or - for standard input)", synopsis: catSynopsis, run: runCat},
	{name: "record", short: "copy a stream's raw bytes (from a URL, or - for standard input)", synopsis: recordSynopsis, run: runRecord},
	{name: "serve", short: "serve a recorded stream as a live SSE endpoint, with a page to watch it", synopsis: serveSynopsis, run: runServe},
	{name: "hub", short: "run a standalone SSE hub: subscribe at /events, publish with POST /publish", synopsis: hubSynopsis, run: runHub},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole program: it dispatches args (without the program name)
// to a subcommand and returns the exit code.
//
// It installs no signal handler: the default action of an interrupt, ending
// the process, is right for a reader whose live output is flushed after
// every event. A subcommand that must shut down gracefully (a server, a
// recorder that reports what it recorded) derives its own context with
// signal.NotifyContext.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx := context.Background()
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "--version", "-version", "version":
		if len(args) > 1 {
			fmt.Fprintln(stderr, "sse: --version takes no arguments\nRun 'sse help' for usage.")
			return exitUsage
		}
		return printVersion(stdout)
	case "help", "-h", "-help", "--help":
		if len(args) == 1 {
			usage(stdout)
			return exitOK
		}
		if len(args) > 2 {
			fmt.Fprintln(stderr, "usage: sse help [command]")
			return exitUsage
		}
		cmd := lookup(args[1])
		if cmd == nil {
			return unknown(args[1], stderr)
		}
		// A command prints its usage on what it is given as stderr.
		return cmd.run(ctx, []string{"-h"}, stdin, stdout, stdout)
	}
	cmd := lookup(args[0])
	if cmd == nil {
		return unknown(args[0], stderr)
	}
	return cmd.run(ctx, args[1:], stdin, stdout, stderr)
}

// lookup returns the command called name, or nil.
func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// unknown reports an unknown command name.
func unknown(name string, stderr io.Writer) int {
	fmt.Fprintf(stderr, "sse: unknown command %q\nRun 'sse help' for usage.\n", name)
	return exitUsage
}

// usage prints the program's usage: the list of commands.
func usage(w io.Writer) {
	fmt.Fprint(w, "sse reads server-sent event streams.\n\nUsage:\n\n\tsse <command> [arguments]\n\tsse --version\n\nThe commands are:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-7s %s\n", c.name, c.short)
	}
	fmt.Fprint(w, "\nTheir synopses:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%s\n", c.synopsis)
	}
	fmt.Fprint(w, "\nRun 'sse help <command>' for a command's flags and output. A flag of one\nletter takes one dash (-X), a longer one two (--json); either form is accepted.\n")
}
