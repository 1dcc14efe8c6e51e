package loadtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// The harness runs in three kinds of process, all this program
// re-executed with roleEnv set: the server (the meter and the server under
// test, one process per run, so that its CPU time and memory are its own),
// the fleet (every client), and the hog (spinning on every core). A child
// talks to its parent in lines on stdout that start with linePrefix, and
// listens on stdin; when its stdin ends, its parent is gone and it exits,
// so no process outlives the run.
const (
	roleEnv    = "LOADTEST_ROLE" // "server", "fleet" or "hog"
	specEnv    = "LOADTEST_SPEC" // the role's spec, as JSON
	linePrefix = "loadtest "
)

// Main runs this process as one of the harness's child processes, and
// exits, when it was started as one; otherwise it returns at once. Call it
// first thing, from an init function of the package whose tests or
// benchmarks call Run, with the servers Run may name:
//
//	func init() { loadtest.Main(map[string]loadtest.NewServer{"fastsse": hubserver.New}) }
func Main(servers map[string]NewServer) {
	role := os.Getenv(roleEnv)
	if role == "" {
		return
	}
	var err error
	switch role {
	case "server":
		err = serverMain(servers)
	case "fleet":
		err = fleetMain()
	case "hog":
		err = hogMain()
	default:
		err = fmt.Errorf("unknown role %q", role)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "loadtest %s: %v\n", role, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// spec decodes this child's spec into v.
func spec(v any) error {
	if err := json.Unmarshal([]byte(os.Getenv(specEnv)), v); err != nil {
		return fmt.Errorf("%s: %w", specEnv, err)
	}
	return nil
}

var emitMu sync.Mutex

// emit writes one protocol line to the parent.
func emit(format string, args ...any) {
	emitMu.Lock()
	defer emitMu.Unlock()
	fmt.Printf(linePrefix+format+"\n", args...)
}

// readStdin calls fn with each line from the parent, and exits the process
// when stdin ends: the parent has gone, or wants this process gone.
func readStdin(fn func(line string)) {
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		fn(sc.Text())
	}
	os.Exit(2)
}

// errTimeout is what child.next returns, wrapped, when no line came in time.
var errTimeout = errors.New("timed out")

// A child is a child process of the harness, seen from its parent.
type child struct {
	role  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string   // protocol lines, prefix removed
	done  chan struct{} // closed when stdout has ended

	mu     sync.Mutex
	output bytes.Buffer // everything else it wrote, for errors

	waitOnce sync.Once
	waitErr  error // what cmd.Wait returned
}

// wait waits for c to exit, once its stdout has ended, and returns what
// cmd.Wait returned. After it, everything c wrote on stderr is in output.
func (c *child) wait() error {
	c.waitOnce.Do(func() {
		<-c.done
		c.waitErr = c.cmd.Wait()
	})
	return c.waitErr
}

// startChild starts this program as a child with role and spec.
func startChild(role string, spec any) (*child, error) {
	js, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	c := &child{role: role, lines: make(chan string, 16), done: make(chan struct{})}
	c.cmd = exec.Command(exe)
	c.cmd.Env = append(os.Environ(), roleEnv+"="+role, specEnv+"="+string(js))
	c.cmd.Stderr = (*childOutput)(c)
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the %s process: %w", role, err)
	}
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), linePrefix); ok {
				c.lines <- line
			} else {
				c.write(sc.Text() + "\n")
			}
		}
	}()
	return c, nil
}

// childOutput collects what a child writes outside the protocol.
type childOutput child

func (o *childOutput) Write(p []byte) (int, error) { return (*child)(o).write(string(p)), nil }

func (c *child) write(s string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.output.Len() < 64<<10 {
		c.output.WriteString(s)
	}
	return len(s)
}

// errorf returns an error about c that carries what it wrote.
func (c *child) errorf(format string, args ...any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Errorf("%s process: %s\n%s", c.role, fmt.Sprintf(format, args...), c.output.String())
}

// next returns the next protocol line, which must start with want (the
// rest is returned), within timeout. A line "fail …" from the child is
// returned as an error.
func (c *child) next(want string, timeout time.Duration) (string, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case line := <-c.lines:
		return c.expect(line, want)
	case <-c.done:
		// It may have written the line just before it ended.
		select {
		case line := <-c.lines:
			return c.expect(line, want)
		default:
		}
		// Its stderr (why it ended) is copied until it has exited.
		exited := make(chan struct{})
		go func() { c.wait(); close(exited) }()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
		}
		return "", c.errorf("ended while waiting for %q", want)
	case <-t.C:
		return "", fmt.Errorf("%w: %w", errTimeout, c.errorf("no %q within %v", want, timeout))
	}
}

// expect returns the rest of line after want, or the error it reports.
func (c *child) expect(line, want string) (string, error) {
	if msg, ok := strings.CutPrefix(line, "fail "); ok {
		return "", c.errorf("%s", msg)
	}
	rest, ok := strings.CutPrefix(line, want)
	if !ok {
		return "", c.errorf("got %q, want %q", line, want)
	}
	return strings.TrimPrefix(rest, " "), nil
}

// send writes one line to the child's stdin.
func (c *child) send(format string, args ...any) error {
	_, err := fmt.Fprintf(c.stdin, format+"\n", args...)
	return err
}

// stop closes the child's stdin, which makes it exit, waits for it for up
// to grace, then kills it, and waits for it to be gone. It returns an
// error when the child failed (exit status other than 0 or, when asked to
// stop early, 2).
func (c *child) stop(grace time.Duration) error {
	c.stdin.Close()
	go func() { // lines no one will read must not hold its stdout up
		for {
			select {
			case <-c.lines:
			case <-c.done:
				return
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- c.wait() }()
	var err error
	select {
	case err = <-exited:
	case <-time.After(grace):
		c.cmd.Process.Kill()
		err = <-exited
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 2 {
		return nil
	}
	if err != nil {
		return c.errorf("%v", err)
	}
	return nil
}
