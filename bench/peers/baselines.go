package peers

import (
	"bufio"
	"bytes"
	"io"
)

// bufioLines splits the stream into lines with bufio.Scanner (ScanLines,
// which also drops a CR before the LF) line by line: the speed of
// line splitting with the standard library, which several peers build on.
// It starts with a 16 KiB buffer, as fastsse's Scanner does (bufio's own
// default is 4 KiB), and counts lines; a final line without LF counts too.
var bufioLines = Parser{
	Name:   "bufio.Scanner",
	Kind:   KindBaseline,
	Module: "std",
	API:    "bufio.Scanner with ScanLines, Buffer(make([]byte, 16<<10), MaxSize)",
	Count: func(r io.Reader) (int, error) {
		s := bufio.NewScanner(r)
		s.Buffer(make([]byte, 16<<10), MaxSize)
		n := 0
		for s.Scan() {
			n++
		}
		return n, s.Err()
	},
	Want: func(b []byte) int {
		n := bytes.Count(b, []byte{'\n'})
		if len(b) > 0 && b[len(b)-1] != '\n' {
			n++
		}
		return n
	},
}

// indexByteLoop reads 64 KiB at a time and finds every LF with
// bytes.IndexByte: the least any line-based parser must do, without
// keeping lines that span reads. It counts LFs.
var indexByteLoop = Parser{
	Name:   "IndexByte",
	Kind:   KindBaseline,
	Module: "std",
	API:    "Read into 64 KiB, bytes.IndexByte(buf, '\\n') loop",
	Count: func(r io.Reader) (int, error) {
		buf := make([]byte, 64<<10)
		n := 0
		for {
			m, err := r.Read(buf)
			for b := buf[:m]; ; {
				i := bytes.IndexByte(b, '\n')
				if i < 0 {
					break
				}
				n++
				b = b[i+1:]
			}
			if err == io.EOF {
				return n, nil
			}
			if err != nil {
				return n, err
			}
		}
	},
	Want: func(b []byte) int {
		return bytes.Count(b, []byte{'\n'})
	},
}

// ioCopy copies the stream to io.Discard: the cost of reading the bytes at
// all, the ceiling for any parser. It counts bytes.
var ioCopy = Parser{
	Name:   "io.Copy",
	Kind:   KindBaseline,
	Module: "std",
	API:    "io.Copy(io.Discard, r)",
	Count: func(r io.Reader) (int, error) {
		n, err := io.Copy(io.Discard, r)
		return int(n), err
	},
	Want: func(b []byte) int { return len(b) },
}
