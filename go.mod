module github.com/fastsse/sse

go 1.25.0

require (
	go.uber.org/goleak v1.3.0
	golang.org/x/exp v0.0.0-20251023183803-a4bb9ffd2546
	golang.org/x/sys v0.47.0
)
