package redis

import (
	"fmt"
	"strings"
)

// keys are the Redis keys of one hub name. They share the hash tag
// {name}, so that in a Redis Cluster they live in one slot and the append
// script, which touches two of them, may run.
type keys struct {
	meta string // hash: epoch, offset (the last offset assigned)
	log  string // stream: the entries, with ids "<offset>-0"
	bus  string // PUB/SUB channel: ephemeral events and disconnects
}

// maxNameLen bounds a hub name: it is part of every key.
const maxNameLen = 200

// newKeys returns the keys of the hub called name. A name must be
// non-empty (an empty hash tag would not tag), and hold no braces (which
// would cut the tag short), no white space and no control characters.
func newKeys(name string) (keys, error) {
	if name == "" || len(name) > maxNameLen || strings.ContainsAny(name, "{} \t\r\n") {
		return keys{}, fmt.Errorf("%w: hub name %q: want 1 to %d characters, without braces or white space", ErrConfig, name, maxNameLen)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return keys{}, fmt.Errorf("%w: hub name %q has a control character", ErrConfig, name)
		}
	}
	tag := "sse:{" + name + "}:"
	return keys{meta: tag + "meta", log: tag + "log", bus: tag + "bus"}, nil
}
