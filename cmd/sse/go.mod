module github.com/fastsse/sse/cmd/sse

go 1.25.0

replace (
	github.com/fastsse/sse => ../..
	github.com/fastsse/sse/hub/redis => ../../hub/redis
)

require (
	github.com/fastsse/sse v0.0.0
	go.uber.org/goleak v1.3.0
)

require golang.org/x/exp v0.0.0-20251023183803-a4bb9ffd2546 // indirect
