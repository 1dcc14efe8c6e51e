package hubserver

import (
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/fastsse/sse/internal/loadtest"
)

func init() {
	loadtest.Main(map[string]loadtest.NewServer{Name: New})
}

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestHubUnderLoad(t *testing.T) {
	sc := loadtest.Scenario{Subscribers: 20, Rate: 100, Duration: 300 * time.Millisecond, WriteTimeout: 200 * time.Millisecond, Stalled: true}
	r, err := loadtest.Run(Name, sc)
	if err != nil {
		t.Fatal(err)
	}
	if want := r.Published * int64(sc.Subscribers); r.Published == 0 || r.Delivered != want || r.Lost != 0 || r.Cut != 0 {
		t.Errorf("%v; want all %d deliveries, none lost or cut", r, want)
	}
	// OnDisconnect's ErrSlow reaches the meter.
	if !r.StalledCut {
		t.Errorf("the stalled subscriber was not reported cut as slow: %v", r)
	}

	sc = loadtest.Scenario{Subscribers: 20, Rate: 100, Duration: 300 * time.Millisecond, To: true}
	if r, err = loadtest.Run(Name, sc); err != nil {
		t.Fatal(err)
	}
	if r.Published == 0 || r.Delivered != r.Published || r.Misdelivered != 0 {
		t.Errorf("To: %v; want every event to c0 and to no one else", r)
	}
}

func TestLastError(t *testing.T) {
	errX := errors.New("x")
	for _, c := range []struct {
		results []any
		want    error
	}{
		{nil, nil},
		{[]any{nil}, nil},
		{[]any{errX}, errX},
		{[]any{"id-1", nil}, nil},
		{[]any{"", errX}, errX},
	} {
		if got := lastError(c.results...); got != c.want {
			t.Errorf("lastError(%v) = %v, want %v", c.results, got, c.want)
		}
	}
}
