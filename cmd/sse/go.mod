module github.com/fastsse/sse/cmd/sse

go 1.25.0

replace (
	github.com/fastsse/sse => ../..
	github.com/fastsse/sse/hub/redis => ../../hub/redis
)

require (
	github.com/fastsse/sse v0.0.0
	github.com/fastsse/sse/hub/redis v0.0.0
	go.uber.org/goleak v1.3.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/redis/go-redis/v9 v9.22.0 // indirect
	go.uber.org/atomic v1.11.0 // indirect
	golang.org/x/exp v0.0.0-20251023183803-a4bb9ffd2546 // indirect
	golang.org/x/sys v0.47.0 // indirect
)
