// Package peers compares fastsse with the other Go libraries that read and
// write server-sent events, on the deterministic corpora of
// github.com/fastsse/sse/internal/corpus and on the shared conformance
// vectors.
//
// Every parser is wrapped as a [Parser]: a function that reads a whole stream
// from a plain [io.Reader] and hands each dispatched event to a [Sink] as
// {type, last event ID, data}. Before a parser is timed, [Verify] checks
// what it dispatches against the corpus's ground truth; a parser that
// disagrees is reported as such, with the reason, never dropped silently.
//
// The benchmarks, the verification and the conformance run are in the test
// files; run.sh runs them all and renders RESULTS.md and chart.svg.
package peers
