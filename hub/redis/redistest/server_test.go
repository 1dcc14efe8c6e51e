package redistest

import (
	"strings"
	"testing"
)

func TestServerRestartWithoutPersistenceLosesData(t *testing.T) {
	s := Start(t, Options{})
	if _, err := s.Do("SET", "k", "v"); err != nil {
		t.Fatal(err)
	}
	s.Restart()
	if v, err := s.Do("GET", "k"); err != nil || v != "" {
		t.Fatalf("after restart without persistence: GET k = %q, %v; want nothing", v, err)
	}
}

func TestServerRestartWithAOFKeepsData(t *testing.T) {
	s := Start(t, Options{Persistence: AOFAlways})
	if _, err := s.Do("SET", "k", "v"); err != nil {
		t.Fatal(err)
	}
	s.Restart()
	if v, err := s.Do("GET", "k"); err != nil || v != "v" {
		t.Fatalf("after restart with AOF: GET k = %q, %v; want v", v, err)
	}
}

func TestReplicaFollowsPrimary(t *testing.T) {
	p := Start(t, Options{})
	r := Start(t, Options{ReplicaOf: p.Addr})
	if _, err := p.Do("SET", "k", "v"); err != nil {
		t.Fatal(err)
	}
	// WAIT returns once the replica has the write.
	if n, err := p.Do("WAIT", "1", "10000"); err != nil || n != "1" {
		t.Fatalf("WAIT 1 = %q, %v", n, err)
	}
	if v, err := r.Do("GET", "k"); err != nil || v != "v" {
		t.Fatalf("replica: GET k = %q, %v", v, err)
	}
	if _, err := r.Do("SET", "k", "w"); err == nil || !strings.Contains(err.Error(), "READONLY") {
		t.Fatalf("replica accepted a write: %v", err)
	}
}

func TestProxyCutAndRestore(t *testing.T) {
	s := Start(t, Options{})
	p := NewProxy(t, s.Addr)
	if err := Ping(p.Addr); err != nil {
		t.Fatal(err)
	}
	p.Cut()
	if err := Ping(p.Addr); err == nil {
		t.Fatal("PING through a cut proxy succeeded")
	}
	p.Restore()
	if err := Ping(p.Addr); err != nil {
		t.Fatal(err)
	}
	s2 := Start(t, Options{})
	s2.Do("SET", "where", "s2")
	p.Retarget(s2.Addr)
	if v, err := Do(p.Addr, "GET", "where"); err != nil || v != "s2" {
		t.Fatalf("after Retarget: GET where = %q, %v", v, err)
	}
}

func TestKillIsFinal(t *testing.T) {
	s := Start(t, Options{})
	s.Kill()
	if err := Ping(s.Addr); err == nil {
		t.Fatal("a killed server answers")
	}
	s.Kill() // twice is fine
}
