#!/usr/bin/env bash
# run.sh runs the comparison of fastsse with the other Go SSE libraries and
# regenerates, from what it measured, RESULTS.md, chart.svg, the summary in
# README.md and the raw data in results/.
#
#   ./run.sh                          # -count 6, -benchtime 1s
#   COUNT=10 BENCHTIME=2s ./run.sh    # more runs
#   BENCH='Read/corpus=llm' ./run.sh  # a subset (the report then has gaps)
#
# Needs bash, Go, and benchstat (installed into a temporary GOBIN when missing).
set -euo pipefail
cd "$(dirname "$0")"

COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-1s}
BENCH=${BENCH:-Read|Write|Load} # BenchmarkRatios is run on its own (see README)
out=results
mkdir -p "$out"

BENCHSTAT=${BENCHSTAT:-$(command -v benchstat || true)}
if [ -z "$BENCHSTAT" ]; then
	gobin=$(mktemp -d)
	trap 'rm -rf "$gobin"' EXIT
	echo "run.sh: installing benchstat into $gobin" >&2
	GOBIN=$gobin go install golang.org/x/perf/cmd/benchstat@latest
	BENCHSTAT=$gobin/benchstat
fi

date=$(date -u +%Y-%m-%d)
gover=$(go version | sed 's/^go version //')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu" ] || cpu=$(sysctl -n machdep.cpu.brand_string 2>/dev/null || echo "unknown CPU")
ncpu=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
machine="$gover · $cpu · $ncpu CPUs"
settings="-count=$COUNT -benchtime=$BENCHTIME"
command="cd bench/peers && COUNT=$COUNT BENCHTIME=$BENCHTIME ./run.sh"

echo "run.sh: $machine; $settings" >&2
go vet ./...
go test -count=1 ./internal/... ./cmd/...

# Verify every parser and writer, and run the conformance vectors: the
# verdicts and pass counts go into the report.
go test -count=1 -run '^(TestVerify|TestVerifyDetects|TestConformance)$' . \
	-args -verdicts="$out/verdicts.json" -conformance="$out/conformance.json"

# The benchmarks (each verifies its parser again before timing).
go test -run '^$' -bench "$BENCH" -benchmem -count "$COUNT" -benchtime "$BENCHTIME" -timeout 0 . |
	tee "$out/bench.txt"

{
	"$BENCHSTAT" -filter '.name:Read' -col /parser -row /corpus "$out/bench.txt"
	echo
	"$BENCHSTAT" -filter '.name:Write' -col /writer -row /event "$out/bench.txt"
} >"$out/benchstat.txt"

go run ./cmd/chart -bench "$out/bench.txt" -verdicts "$out/verdicts.json" \
	-date "$date" -machine "$machine" -settings "$settings" -o chart.svg
go run ./cmd/results -bench "$out/bench.txt" -verdicts "$out/verdicts.json" \
	-conformance "$out/conformance.json" -benchstat "$out/benchstat.txt" \
	-date "$date" -machine "$machine" -settings "$settings" -command "$command" \
	-readme README.md -o RESULTS.md
echo "run.sh: wrote RESULTS.md, chart.svg, README.md's summary and $out/" >&2
