package redis

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestKeysShareAHashTag(t *testing.T) {
	k, err := newKeys("chat")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{k.meta, k.log, k.bus} {
		// Redis Cluster hashes what is between the first { and the next }.
		open := strings.IndexByte(key, '{')
		end := strings.IndexByte(key[open:], '}')
		if open < 0 || end < 0 || key[open+1:open+end] != "chat" {
			t.Errorf("key %q does not carry the hash tag {chat}", key)
		}
	}
}

func TestInvalidConfiguration(t *testing.T) {
	for _, c := range []struct {
		name string
		url  string
		opts []Option
	}{
		{"empty name", "redis://127.0.0.1:1", []Option{WithName("")}},
		{"braces", "redis://127.0.0.1:1", []Option{WithName("a}b")}},
		{"space", "redis://127.0.0.1:1", []Option{WithName("a b")}},
		{"control", "redis://127.0.0.1:1", []Option{WithName("a\x00b")}},
		{"long", "redis://127.0.0.1:1", []Option{WithName(strings.Repeat("n", 201))}},
		{"max length", "redis://127.0.0.1:1", []Option{WithMaxLen(0)}},
		{"negative TTL", "redis://127.0.0.1:1", []Option{WithTTL(-time.Second)}},
		{"wait without timeout", "redis://127.0.0.1:1", []Option{WithWait(1, 0)}},
		{"block", "redis://127.0.0.1:1", []Option{WithBlock(0)}},
		{"URL", "http://127.0.0.1:1", nil},
	} {
		l, err := New(c.url, c.opts...)
		if !errors.Is(err, ErrConfig) {
			t.Errorf("%s: New = %v, %v; want ErrConfig", c.name, l, err)
			if l != nil {
				l.Close()
			}
		}
	}
}
