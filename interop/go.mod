module github.com/fastsse/sse/interop

go 1.25.0

replace github.com/fastsse/sse => ../

require (
	github.com/chromedp/chromedp v0.23.0
	github.com/fastsse/sse v0.0.0
	go.uber.org/goleak v1.3.0
)

require (
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	golang.org/x/exp v0.0.0-20251023183803-a4bb9ffd2546 // indirect
	golang.org/x/sys v0.47.0 // indirect
)
