#!/usr/bin/env node
// gen_node.mjs: the peer half of the generator benchmark (bench/gen.sh).
//
//   node bench/gen_node.mjs --in FILE [--repeat K]
//
// Loads the NDJSON records `sluice gen` wrote (untimed: read + JSON.parse), then times, K
// times, only V8's JSON.stringify of every record (the fastest mainstream JSON writer, given
// the objects ready-made: no generation work at all). Checks that the re-serialised bytes
// equal the file's, which also proves sluice's output is canonical compact JSON.
// Prints key=value lines: node_seconds (best), node_seconds_all, node_bytes, node_mb_per_s,
// identical (yes/no).

import { readFileSync } from 'node:fs';

const o = { in: null, repeat: 3 };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--in') o.in = process.argv[++i];
  else if (a === '--repeat') o.repeat = Number(process.argv[++i]);
  else { console.error(`gen_node.mjs: unknown argument ${a}`); process.exit(2); }
}
if (!o.in) { console.error('usage: gen_node.mjs --in FILE [--repeat K]'); process.exit(2); }

const text = readFileSync(o.in, 'utf8');
const lines = text.split('\n');
if (lines[lines.length - 1] === '') lines.pop();
const recs = lines.map((l) => JSON.parse(l));

let best = Infinity, bytes = 0, identical = true;
const all = [];
for (let k = 0; k < o.repeat; k++) {
  const out = new Array(recs.length);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < recs.length; i++) out[i] = JSON.stringify(recs[i]);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  all.push(secs.toFixed(4));
  if (secs < best) best = secs;
  if (k === 0) {
    bytes = 0;
    for (let i = 0; i < out.length; i++) {
      bytes += Buffer.byteLength(out[i]) + 1;
      if (out[i] !== lines[i]) identical = false;
    }
  }
}
console.log(`node_seconds=${best.toFixed(4)}`);
console.log(`node_seconds_all=${all.join(',')}`);
console.log(`node_bytes=${bytes}`);
console.log(`node_mb_per_s=${(bytes / 1e6 / best).toFixed(1)}`);
console.log(`identical=${identical ? 'yes' : 'no'}`);
