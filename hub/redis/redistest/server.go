// Package redistest starts real redis-server processes for tests, as
// net/http/httptest starts real HTTP servers: each on a free loopback port,
// in a temporary directory, stopped when the test ends. A Server can be
// killed (SIGKILL) and restarted on the same port and directory, run with
// or without persistence, or as a replica of another; a Proxy in front of
// one can cut its clients off.
//
// When redis-server is not installed, Start skips the test, or fails it
// when the environment variable CI is "true" (CI must run every test).
package redistest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Persistence says how a Server keeps its data across a restart.
type Persistence int

const (
	// None keeps nothing: a restarted server is empty.
	None Persistence = iota
	// AOFAlways appends every write to an append-only file, fsynced
	// before the write is acknowledged (appendfsync always): a restarted
	// server has every acknowledged write.
	AOFAlways
)

// Options configure a Server.
type Options struct {
	// Persistence is what the server keeps across a restart: nothing by
	// default.
	Persistence Persistence
	// ReplicaOf, "host:port", makes the server a replica of that one;
	// Start returns once it is in sync.
	ReplicaOf string
}

// Server is a redis-server process.
type Server struct {
	// Addr is the server's "127.0.0.1:port".
	Addr string

	t    testing.TB
	opts Options
	dir  string

	mu   sync.Mutex
	cmd  *exec.Cmd
	exit chan struct{} // closed when cmd has exited
}

// startTimeout bounds how long a server may take to answer PING.
const startTimeout = 20 * time.Second

// Binary returns the path of redis-server, or skips t (fails it when CI is
// "true") when it is not installed.
func Binary(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis-server is required on CI (.ci/run installs it): %v", err)
		}
		t.Skipf("redis-server not installed: %v", err)
	}
	return path
}

// Start starts a redis-server configured by opts, on a free loopback port
// in a new temporary directory, and waits until it answers. It is stopped
// when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	Binary(t)
	s := &Server{t: t, opts: opts, dir: t.TempDir()}
	var err error
	// Another process may take the free port between our look and the
	// server's bind: try a few.
	for range 5 {
		var port int
		if port, err = freePort(); err != nil {
			break
		}
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("redistest: starting redis-server: %v", err)
	}
	t.Cleanup(s.Kill)
	return s
}

// URL returns the server's redis:// URL.
func (s *Server) URL() string { return "redis://" + s.Addr }

// Dir returns the server's working directory (its AOF, its log).
func (s *Server) Dir() string { return s.dir }

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// start runs the process and waits until it answers PING.
func (s *Server) start() error {
	_, port, _ := net.SplitHostPort(s.Addr)
	args := []string{
		"--port", port, "--bind", "127.0.0.1", "--dir", s.dir,
		"--save", "", "--daemonize", "no", "--logfile", "redis.log",
		"--appendfilename", "appendonly.aof",
	}
	switch s.opts.Persistence {
	case AOFAlways:
		args = append(args, "--appendonly", "yes", "--appendfsync", "always")
	default:
		args = append(args, "--appendonly", "no")
	}
	if s.opts.ReplicaOf != "" {
		host, rport, err := net.SplitHostPort(s.opts.ReplicaOf)
		if err != nil {
			return fmt.Errorf("ReplicaOf: %w", err)
		}
		args = append(args, "--replicaof", host, rport)
	}
	cmd := exec.Command("redis-server", args...)
	cmd.Dir = s.dir
	if err := cmd.Start(); err != nil {
		return err
	}
	exit := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exit)
	}()
	s.mu.Lock()
	s.cmd, s.exit = cmd, exit
	s.mu.Unlock()
	deadline := time.Now().Add(startTimeout)
	for {
		err := s.ready()
		if err == nil {
			return nil
		}
		select {
		case <-exit:
			return fmt.Errorf("redis-server exited: %v\n%s", err, s.Log())
		default:
		}
		if time.Now().After(deadline) {
			s.Kill()
			return fmt.Errorf("redis-server did not answer within %v: %v\n%s", startTimeout, err, s.Log())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ready reports whether the server answers, and a replica is in sync
// with its primary.
func (s *Server) ready() error {
	if err := Ping(s.Addr); err != nil {
		return err
	}
	if s.opts.ReplicaOf == "" {
		return nil
	}
	info, err := s.Do("INFO", "replication")
	if err != nil {
		return err
	}
	if !strings.Contains(info, "master_link_status:up") {
		return errors.New("replica not in sync yet")
	}
	return nil
}

// Log returns the end of the server's log, for failure messages.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// Kill kills the server with SIGKILL (no chance to save anything) and
// waits for it to exit. Killing a stopped server does nothing.
func (s *Server) Kill() {
	s.signal(syscall.SIGKILL)
	s.mu.Lock()
	exit := s.exit
	s.mu.Unlock()
	if exit != nil {
		<-exit
	}
}

// Pause stops the process (SIGSTOP): it keeps its connections but answers
// nothing, as a machine that froze. Resume continues it.
func (s *Server) Pause() { s.signal(syscall.SIGSTOP) }

// Resume continues a paused server (SIGCONT).
func (s *Server) Resume() { s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.exit:
		return
	default:
	}
	if sig == syscall.SIGKILL {
		s.cmd.Process.Signal(syscall.SIGCONT) // a paused process dies too, but be plain
	}
	s.cmd.Process.Signal(sig)
}

// Restart kills the server and starts it again on the same port and
// directory: with AOFAlways it has its data back, with None it is empty.
// A server promoted from replica (Promote) restarts as a primary.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restarting redis-server: %v", err)
	}
}

// Promote makes a replica the primary (REPLICAOF NO ONE), as a failover
// does.
func (s *Server) Promote() error {
	if _, err := s.Do("REPLICAOF", "NO", "ONE"); err != nil {
		return err
	}
	s.opts.ReplicaOf = ""
	return nil
}

// Do sends one command to the server on a new connection and returns its
// reply as text (a simple string, an integer, a bulk string; arrays are
// not supported), or the server's error reply as an error.
func (s *Server) Do(args ...string) (string, error) { return Do(s.Addr, args...) }

// Ping reports whether the server at addr answers PING with PONG (a
// loading server answers with an error).
func Ping(addr string) error {
	r, err := Do(addr, "PING")
	if err != nil {
		return err
	}
	if r != "PONG" {
		return fmt.Errorf("PING: %q", r)
	}
	return nil
}

// Do sends one command to the server at addr on a new connection, in the
// RESP protocol, and returns its reply; see Server.Do.
func Do(addr string, args ...string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := c.Write([]byte(b.String())); err != nil {
		return "", err
	}
	r := bufio.NewReader(c)
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\r\n")
	if line == "" {
		return "", errors.New("empty reply")
	}
	switch line[0] {
	case '+', ':':
		return line[1:], nil
	case '-':
		return "", errors.New(line[1:])
	case '$':
		n, err := strconv.Atoi(line[1:])
		if err != nil {
			return "", fmt.Errorf("bad bulk length %q", line)
		}
		if n < 0 {
			return "", nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", err
		}
		return string(buf[:n]), nil
	}
	return "", fmt.Errorf("unsupported reply %q", line)
}
