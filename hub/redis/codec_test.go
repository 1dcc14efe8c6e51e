package redis

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/fastsse/sse/hub"
)

func TestCodecRoundTrip(t *testing.T) {
	at := time.Unix(1700000000, 123456789)
	for _, e := range []hub.Entry{
		{},
		{AutoID: true, Frame: []byte("data: x\n\n"), At: at},
		{ID: "mine", Frame: []byte("id: mine\ndata: y\n\n"), Addressed: true, To: []string{"ann", ""}, Except: []string{"bob"}, Topical: true, Topics: []string{"t1", "t2"}, At: at},
		{Ephemeral: true, Addressed: true, Frame: []byte("event: presence\ndata: z\n\n")},
	} {
		got, err := decodeEntry(encodeEntry(nil, &e))
		if err != nil {
			t.Fatalf("decode(encode(%+v)): %v", e, err)
		}
		if !reflect.DeepEqual(got, e) {
			t.Errorf("round trip:\n got %+v\nwant %+v", got, e)
		}
	}
}

func FuzzDecodeEntry(f *testing.F) {
	f.Add(encodeEntry(nil, &hub.Entry{ID: "a", Frame: []byte("data: x\n\n"), To: []string{"b"}}))
	f.Add([]byte{codecVersion, 0xff, 0x80})
	f.Fuzz(func(t *testing.T, p []byte) {
		e, err := decodeEntry(p)
		if err != nil {
			if !errors.Is(err, errCodec) {
				t.Fatalf("error %v does not wrap errCodec", err)
			}
			return
		}
		// What decodes re-encodes to a payload that decodes the same.
		again, err := decodeEntry(encodeEntry(nil, &e))
		if err != nil || !reflect.DeepEqual(again, e) {
			t.Fatalf("decoded %+v, re-encoded and decoded %+v, %v", e, again, err)
		}
	})
}
