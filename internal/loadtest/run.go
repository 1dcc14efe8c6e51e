package loadtest

import (
	"encoding/json"
	"fmt"
	"time"
)

// serverSpec is the server process's spec.
type serverSpec struct {
	Server   string
	Scenario Scenario
}

// Run runs sc against the server that Main registered as server, in a
// child process of its own (this program re-executed), with the clients in
// another and, for sc.Hog, a third spinning on every core; and returns
// what it measured. Every process it starts has ended when it returns.
func Run(server string, sc Scenario) (Result, error) {
	if sc.Subscribers < 1 || sc.Rate < 0 || sc.Duration <= 0 {
		return Result{}, fmt.Errorf("loadtest: scenario %+v: want subscribers ≥ 1, rate ≥ 0, duration > 0", sc)
	}
	c, err := startChild("server", serverSpec{Server: server, Scenario: sc})
	if err != nil {
		return Result{}, err
	}
	line, err := c.next("result", runTimeout(sc))
	if err != nil {
		c.stop(0)
		return Result{}, err
	}
	if err := c.stop(time.Minute); err != nil {
		return Result{}, err
	}
	var r Result
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		return Result{}, c.errorf("result %q: %v", line, err)
	}
	return r, nil
}

// runTimeout bounds a whole run: connecting (generously, 5 ms a client),
// warming up, the scenario, draining and reporting.
func runTimeout(sc Scenario) time.Duration {
	return 3*time.Minute + sc.Duration + time.Duration(sc.Subscribers)*5*time.Millisecond
}
