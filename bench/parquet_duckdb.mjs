#!/usr/bin/env node
// parquet_duckdb.mjs: the DuckDB half of the Parquet encoding benchmark (bench/parquet.sh).
//
//   node bench/parquet_duckdb.mjs --csv DIR/rows.csv --out DIR/duckdb.parquet [--repeat K]
//                                 [--level L] [--verify DIR/sluice.parquet]
//
// Loads the rows that build/bench/parquet_encode wrote as CSV into an in-memory DuckDB table
// with the assessments column types (untimed), then times, K times, only
//   COPY tbl TO 'out' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL L)
// with SET threads = 1. With --verify, checks (untimed) that sluice's file holds exactly the
// table's rows: both EXCEPT ALL directions empty and the same row count.
// Prints key=value lines: duckdb_seconds (best wall time), duckdb_cpu_seconds (best CPU time of
// the process during the COPY: robust on a busy machine), duckdb_seconds_all, duckdb_bytes, verify.

import { statSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// @duckdb/node-api is installed with the test readers (tests/readers/node_modules).
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'tests', 'readers', 'package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

const TYPES = [
  ['keen_id', 'VARCHAR NOT NULL'], ['user_exam_id', 'VARCHAR'], ['base_exam_id', 'VARCHAR'],
  ['exam_name', 'VARCHAR'], ['started_at', 'TS'], ['keen_timestamp', 'TS'], ['keen_created_at', 'TS'],
  ['max_attempts', 'DOUBLE'], ['certification', 'BOOLEAN'], ['sequence_id', 'VARCHAR'],
  ['attempt', 'INTEGER'], ['question_count', 'INTEGER'], ['correct', 'INTEGER'], ['incorrect', 'INTEGER'],
  ['incomplete', 'INTEGER'], ['submitted', 'INTEGER'], ['unanswered', 'INTEGER'], ['total', 'INTEGER'],
  ['all_correct', 'BOOLEAN'], ['score', 'DOUBLE'], ['completed_at', 'TS'], ['duration_s', 'DOUBLE'],
  ['_topic', 'VARCHAR'], ['_partition', 'INTEGER'], ['_offset', 'BIGINT'], ['_timestamp', 'TS'],
];

function parseArgs(argv) {
  const o = { csv: null, out: null, repeat: 3, level: 3, verify: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} wants a value`);
      return argv[++i];
    };
    if (a === '--csv') o.csv = next();
    else if (a === '--out') o.out = next();
    else if (a === '--repeat') o.repeat = Number(next());
    else if (a === '--level') o.level = Number(next());
    else if (a === '--verify') o.verify = next();
    else throw new Error(`unknown option '${a}'`);
  }
  if (!o.csv || !o.out || !(o.repeat >= 1) || !(o.level >= 1)) {
    throw new Error('usage: parquet_duckdb.mjs --csv FILE --out FILE [--repeat K] [--level L] [--verify FILE]');
  }
  return o;
}

const q = (s) => "'" + s.replaceAll("'", "''") + "'";

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  await conn.run('SET threads = 1');
  await conn.run("SET TimeZone = 'UTC'");
  // Load: the CSV has timestamps as epoch microseconds; make_timestamp(us) is exact.
  const colSpec = TYPES.map(([n, t]) => `'${n}': '${t === 'TS' ? 'BIGINT' : t.replace(' NOT NULL', '')}'`).join(', ');
  const select = TYPES.map(([n, t]) => (t === 'TS' ? `make_timestamp(${n})::TIMESTAMPTZ AS ${n}` : n)).join(', ');
  const ddl = TYPES.map(([n, t]) => `${n} ${t === 'TS' ? 'TIMESTAMPTZ' : t}`).join(', ');
  await conn.run(`CREATE TABLE tbl (${ddl})`);
  await conn.run(`INSERT INTO tbl SELECT ${select} FROM read_csv(${q(o.csv)}, header = true,
      columns = {${colSpec}}, quote = '"', escape = '"', allow_quoted_nulls = false)`);
  const rows = (await conn.runAndReadAll('SELECT count(*) AS n FROM tbl')).getRowObjects()[0].n;

  const times = [];
  const cpus = [];
  let bytes = 0;
  for (let k = 0; k < o.repeat; k++) {
    try { unlinkSync(o.out); } catch { /* not there yet */ }
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await conn.run(`COPY tbl TO ${q(o.out)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${o.level})`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
    bytes = statSync(o.out).size;
  }
  let verify = 'skipped';
  if (o.verify) {
    const one = async (sql) => (await conn.runAndReadAll(sql)).getRowObjects()[0].n;
    const src = `read_parquet(${q(o.verify)})`;
    const n = await one(`SELECT count(*) AS n FROM ${src}`);
    const a = await one(`SELECT count(*) AS n FROM (SELECT * FROM tbl EXCEPT ALL SELECT * FROM ${src})`);
    const b = await one(`SELECT count(*) AS n FROM (SELECT * FROM ${src} EXCEPT ALL SELECT * FROM tbl)`);
    verify = n === rows && a === 0n && b === 0n ? 'same-rows'
      : `DIFFERENT(rows ${n} vs ${rows}, only-in-table ${a}, only-in-sluice ${b})`;
  }
  conn.closeSync?.();
  inst.closeSync?.();
  const best = Math.min(...times);
  process.stdout.write(`duckdb_rows=${rows}\nduckdb_seconds=${best.toFixed(4)}\n` +
    `duckdb_cpu_seconds=${Math.min(...cpus).toFixed(4)}\n` +
    `duckdb_seconds_all=${times.map((t) => t.toFixed(4)).join(',')}\nduckdb_bytes=${bytes}\nverify=${verify}\n`);
}

main().catch((e) => {
  process.stderr.write(`parquet_duckdb.mjs: ${e?.message ?? e}\n`);
  process.exitCode = 1;
});
