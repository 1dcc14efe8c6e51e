// Test server for interop_node_test.go: serves a known event stream with
// better-sse, in segments, resuming after the client's Last-Event-ID.
//
// It listens on 127.0.0.1 on a free port and prints the port as the first
// line of stdout, then one JSON line per request (the request headers the
// test checks). It exits when stdin closes.
//
// Connections, chosen by the Last-Event-ID header:
//   none -> retry 10, events 1-3 (with a comment), a partial event, clean end
//   "3"  -> retry 15, events 4-5, then the socket is ended mid-body (abrupt)
//   "5"  -> event 6, clean end
//   "6"  -> 204 No Content: the stream is over
"use strict";

const http = require("node:http");
const { createSession, createEventBuffer } = require("better-sse");

// The stream: each event has an id, a type and its data lines.
const events = [
	{ id: "1", type: "greeting", lines: ["hello"] },
	{ id: "2", type: "message", lines: ["line one", "line two", "", "line four"] },
	{ id: "3", type: "json", lines: [JSON.stringify({ n: 3, text: "€豆腐 ♥" })] },
	{ id: "4", type: "update", lines: ["four"] },
	{ id: "5", type: "message", lines: ["five: with a colon"] },
	{ id: "6", type: "last", lines: ["end"] },
];

// Segments of the stream, one per connection: [first, end) indexes, the
// retry sent first and how the connection ends.
const segments = [
	{ from: 0, to: 3, retry: 10, end: "partial" },
	{ from: 3, to: 5, retry: 15, end: "abrupt" },
	{ from: 5, to: 6, retry: null, end: "clean" },
];

function write(buffer, event) {
	buffer.event(event.type).id(event.id);
	for (const line of event.lines) {
		buffer.data(line);
	}
	buffer.dispatch();
}

const server = http.createServer(async (req, res) => {
	const lastId = req.headers["last-event-id"];
	console.log(
		JSON.stringify({
			method: req.method,
			lastEventId: lastId === undefined ? null : lastId,
			accept: req.headers.accept ?? null,
			cacheControl: req.headers["cache-control"] ?? null,
		}),
	);
	const next = lastId === undefined ? 0 : events.findIndex((e) => e.id === lastId) + 1;
	const segment = segments.find((s) => s.from === next);
	if (segment === undefined) {
		res.writeHead(204).end();
		return;
	}

	const session = await createSession(req, res, {
		retry: null,
		keepAlive: null,
		serializer: String,
	});
	const buffer = createEventBuffer({ serializer: String });
	if (segment.retry !== null) {
		buffer.retry(segment.retry).dispatch();
	}
	for (let i = segment.from; i < segment.to; i++) {
		write(buffer, events[i]);
		if (i === segment.from) {
			buffer.comment("heartbeat");
		}
	}
	if (segment.end === "partial") {
		buffer.id("99").event("lost").data("partial event, never dispatched");
	}
	await session.batch(buffer);

	if (segment.end === "abrupt") {
		// End the TCP connection without finishing the chunked body.
		res.socket.end();
	} else {
		res.end();
	}
});

server.listen(0, "127.0.0.1", () => {
	console.log(String(server.address().port));
});

process.stdin.resume();
process.stdin.on("end", () => {
	server.closeAllConnections();
	server.close(() => process.exit(0));
});
