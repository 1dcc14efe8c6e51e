package numfmt

import "testing"

func TestFormats(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{Commas(0), "0"},
		{Commas(999), "999"},
		{Commas(1000), "1,000"},
		{Commas(1234567), "1,234,567"},
		{Commas(-1234), "-1,234"},
		{MBps(98572.4), "98,572"},
		{MBps(902.4), "902"},
		{MBps(85.71), "85.7"},
		{MBps(4.291), "4.29"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
