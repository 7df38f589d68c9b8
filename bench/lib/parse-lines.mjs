// The baseline of bench/logs.bench.ts, run as its own cold process like the CLI it is compared
// with: read a JSONL file in 1 MiB chunks, cut it into lines and JSON.parse every line. Prints
// the number of objects parsed.
import { createReadStream } from 'node:fs';
import process from 'node:process';
import { TextDecoder } from 'node:util';

let rest = '';
let n = 0;
const decoder = new TextDecoder();
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 1 << 20 })) {
  const text = rest + decoder.decode(chunk, { stream: true });
  let start = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
    const line = text.slice(start, nl);
    start = nl + 1;
    try {
      if (JSON.parse(line)) n++;
    } catch {
      // a bad line costs its parse attempt, as in the measured side
    }
  }
  rest = text.slice(start);
}
process.stdout.write(`${n}\n`);
