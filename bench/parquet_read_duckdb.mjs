#!/usr/bin/env node
// parquet_read_duckdb.mjs: the DuckDB half of the Parquet read benchmark (bench/parquet_read.sh).
//
//   node bench/parquet_read_duckdb.mjs --file DIR/read.parquet [--repeat K]
//
// Times, K times, DuckDB (SET threads = 1) reading every column of the file sluice's
// writer made and aggregating each one (min and max of every column, so every value is
// decoded; DuckDB does not answer min/max of a scan from Parquet statistics), and checks
// (untimed) sum(_offset) + sum(question_count), to compare with what sluice's reader saw.
// Prints key=value lines: duckdb_seconds (best), duckdb_seconds_all, duckdb_cpu_seconds (best
// user+system CPU of the process during the query), duckdb_int_sum.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'tests', 'readers', 'package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

let file = null, repeat = 3;
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--file') file = process.argv[++i];
  else if (a === '--repeat') repeat = Number(process.argv[++i]);
  else throw new Error(`unknown argument ${a}`);
}
if (!file) throw new Error('--file is required');

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run('SET threads = 1');
const cols = (await con.runAndReadAll(`SELECT name FROM parquet_schema('${file}') WHERE num_children IS NULL`))
  .getRowObjects().map((r) => r.name);
const aggs = cols.map((c) => `min("${c}"), max("${c}")`).join(', ');
const q = `SELECT ${aggs} FROM read_parquet('${file}')`;
const times = [], cpus = [];
for (let k = 0; k < repeat; k++) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await con.runAndReadAll(q);
  times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  const c = process.cpuUsage(c0);
  cpus.push((c.user + c.system) / 1e6);
}
const sum = (await con.runAndReadAll(
  `SELECT sum(_offset) + sum(question_count) AS s FROM read_parquet('${file}')`)).getRowObjects()[0].s;
console.log(`duckdb_seconds=${Math.min(...times).toFixed(4)}`);
console.log(`duckdb_seconds_all=${times.map((t) => t.toFixed(3)).join(',')}`);
console.log(`duckdb_cpu_seconds=${Math.min(...cpus).toFixed(4)}`);
console.log(`duckdb_int_sum=${sum}`);
