#!/usr/bin/env node
// report_sql_duckdb.mjs: the DuckDB side of the SQL timings in bench/report.sh: runs one
// query over the lake with DuckDB (SET threads = 1), best of K, through views shaped like
// sluice sql's tables (hive_partitioning, dt as text).
//
//   node bench/report_sql_duckdb.mjs --lake DIR --repeat K "SQL"
//
// Prints duckdb_seconds=<best> and duckdb_rows=<result rows>.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'tests', 'readers', 'package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

let lake = null, repeat = 3, sql = null;
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--lake') lake = process.argv[++i];
  else if (a === '--repeat') repeat = Number(process.argv[++i]);
  else sql = a;
}
if (!lake || !sql) { console.error('usage: report_sql_duckdb.mjs --lake DIR [--repeat K] SQL'); process.exit(2); }
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run('SET threads = 1');
for (const t of ['assessments', 'questions', 'options']) {
  await con.run(`CREATE VIEW ${t} AS SELECT * FROM read_parquet('${lake.replaceAll("'", "''")}/${t}/**/*.parquet',
    hive_partitioning = true, hive_types_autocast = false)`);
}
let best = Infinity, rows = 0;
for (let k = 0; k < repeat; k++) {
  const t0 = process.hrtime.bigint();
  const r = await con.runAndReadAll(sql);
  rows = r.getRows().length;
  best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
}
console.log(`duckdb_seconds=${best.toFixed(4)}`);
console.log(`duckdb_rows=${rows}`);
