// Reads n events from an event stream with the npm eventsource package and
// prints each as one JSON line {type, id, data}, then exits.
//
//	node client.mjs URL N [TYPE...]
//
// TYPE names event types besides "message" to listen for.
import { EventSource } from "eventsource";

const [url, n, ...types] = process.argv.slice(2);
const want = Number(n);
let got = 0;
const es = new EventSource(url);
const print = (e) => {
  process.stdout.write(JSON.stringify({ type: e.type, id: e.lastEventId, data: e.data }) + "\n");
  if (++got === want) {
    es.close();
    process.exit(0);
  }
};
es.onmessage = print;
for (const t of types) es.addEventListener(t, print);
es.onerror = (e) => process.stderr.write(`error event (readyState ${es.readyState}): ${e.message ?? ""}\n`);
setTimeout(() => {
  process.stderr.write(`timed out after ${got} of ${want} events\n`);
  process.exit(1);
}, 30000);
