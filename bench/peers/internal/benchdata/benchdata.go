// Package benchdata reads the output of go test -bench for the report and
// chart programs of bench/peers, and the JSON files the tests write.
package benchdata

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Result is every run of one benchmark.
type Result struct {
	// Name is the benchmark's name without "Benchmark" and without the
	// -GOMAXPROCS suffix, such as "Read/corpus=small/parser=fastsse".
	Name string
	// Keys holds the key=value parts of the name: "corpus" → "small".
	Keys map[string]string
	// Values holds, for each unit ("ns/op", "MB/s", "allocs/op"...), one
	// value per run, in order.
	Values map[string][]float64
}

// Parse reads benchmark output and returns the results in the order their
// first run appears. Lines that are not benchmark results are skipped.
func Parse(r io.Reader) ([]*Result, error) {
	var out []*Result
	byName := map[string]*Result{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		res := byName[name]
		if res == nil {
			res = &Result{Name: name, Keys: map[string]string{}, Values: map[string][]float64{}}
			for _, part := range strings.Split(name, "/")[1:] {
				if k, v, ok := strings.Cut(part, "="); ok {
					res.Keys[k] = v
				}
			}
			byName[name] = res
			out = append(out, res)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("benchmark %s: value %q: %w", name, f[i], err)
			}
			res.Values[f[i+1]] = append(res.Values[f[i+1]], v)
		}
	}
	return out, sc.Err()
}

// ParseFile is Parse on the named file.
func ParseFile(name string) ([]*Result, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Parse(f)
}

// Median returns the median of the runs' values in unit, and whether
// there were any.
func (r *Result) Median(unit string) (float64, bool) {
	vs := slices.Clone(r.Values[unit])
	if len(vs) == 0 {
		return 0, false
	}
	slices.Sort(vs)
	n := len(vs)
	if n%2 == 1 {
		return vs[n/2], true
	}
	return (vs[n/2-1] + vs[n/2]) / 2, true
}

// Runs returns how many runs the result has.
func (r *Result) Runs() int {
	return len(r.Values["ns/op"])
}

// Find returns the result of benchmark bench ("Read") whose keys have the
// given values, or nil.
func Find(rs []*Result, bench string, keys map[string]string) *Result {
	for _, r := range rs {
		if !strings.HasPrefix(r.Name, bench+"/") {
			continue
		}
		match := true
		for k, v := range keys {
			match = match && r.Keys[k] == v
		}
		if match {
			return r
		}
	}
	return nil
}

// ReadJSON decodes the JSON file name into v.
func ReadJSON(name string, v any) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
