#!/usr/bin/env node
// ddl_duckdb.mjs: runs the statements `sluice ddl --dialect duckdb` printed, then each
// query given, in an in-memory DuckDB; prints each query's rows, one per line, columns
// joined by ','. Used by tests/e2e/ddl.sh.
//
//   node tests/e2e/ddl_duckdb.mjs VIEWS.sql "SELECT ..." ["SELECT ..." ...]
//
// Exit status 1 (with DuckDB's message on stderr) when a statement or query fails.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'readers', 'package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

const [views, ...queries] = process.argv.slice(2);
if (!views) { console.error('usage: ddl_duckdb.mjs VIEWS.sql [QUERY ...]'); process.exit(2); }
try {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run(readFileSync(views, 'utf8'));
  for (const q of queries) {
    const rows = (await con.runAndReadAll(q)).getRowsJson();
    for (const r of rows) console.log(r.map((v) => (v === null ? '' : String(v))).join(','));
  }
} catch (e) {
  console.error(`duckdb: ${e.message}`);
  process.exit(1);
}
