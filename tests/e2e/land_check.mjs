#!/usr/bin/env node
// land_check.mjs: asks DuckDB the data scientists' questions twice, once over the raw JSON
// (deduplicated by keen_id, nested arrays unnested by SQL) and once over the Parquet tables
// that `sluice land` wrote, and checks the answers agree. Used by tests/e2e/land_file.sh and
// tests/soak_land.sh.
//
//   node tests/e2e/land_check.mjs --raw FILE --lake DIR [--name PREFIX]
//
// Prints one "ok - PREFIX:duckdb_QUESTION" or "not ok - ..." line per check (with both
// answers), exits 1 when any check failed.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'readers', 'package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

function parseArgs(argv) {
  const o = { raw: null, lake: null, name: 'land' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--raw') o.raw = v;
    else if (a === '--lake') o.lake = v;
    else if (a === '--name') o.name = v;
    else throw new Error(`unknown option '${a}'`);
    i++;
  }
  if (!o.raw || !o.lake) throw new Error('usage: land_check.mjs --raw FILE --lake DIR [--name PREFIX]');
  return o;
}

const q = (s) => "'" + s.replaceAll("'", "''") + "'";

const o = parseArgs(process.argv.slice(2));
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const one = async (sql) => {
  const r = await con.runAndReadAll(sql);
  const rows = r.getRowsJson();
  return rows.length ? rows[0][0] : null;
};

await con.run("SET TimeZone = 'UTC'");
await con.run('SET threads = 1');
await con.run(`CREATE VIEW raw_all AS SELECT * FROM read_json(${q(o.raw)}, sample_size = -1,
               maximum_object_size = 67108864)`);
// The duplicates are whole-record copies: keeping any one of each keen_id is the same.
await con.run('CREATE VIEW raw AS SELECT * FROM raw_all QUALIFY row_number() OVER (PARTITION BY keen_id) = 1');
await con.run(`CREATE VIEW raw_done AS
  WITH qs AS (SELECT keen_id, started_at, unnest(sequences.questions) AS q FROM raw),
       os AS (SELECT keen_id, started_at, unnest(q.options) AS o FROM qs)
  SELECT keen_id, any_value(started_at) AS started_at, max(o.at) AS done FROM os GROUP BY keen_id`);
const lake = (t) => `read_parquet(${q(o.lake + '/' + t + '/*/*.parquet')}, hive_partitioning = true)`;
await con.run(`CREATE VIEW a AS SELECT * FROM ${lake('assessments')}`);
await con.run(`CREATE VIEW qn AS SELECT * FROM ${lake('questions')}`);
await con.run(`CREATE VIEW op AS SELECT * FROM ${lake('options')}`);

const checks = [
  ['distinct_attempts', 'SELECT count(DISTINCT keen_id) FROM raw_all', 'SELECT count(*) FROM a'],
  ['no_duplicate_rows', 'SELECT count(DISTINCT keen_id) FROM raw_all', 'SELECT count(DISTINCT keen_id) FROM a'],
  ['attempts_per_exam',
    "SELECT string_agg(exam_name || '=' || n, ';' ORDER BY exam_name) FROM (SELECT exam_name, count(*) n FROM raw GROUP BY 1)",
    "SELECT string_agg(exam_name || '=' || n, ';' ORDER BY exam_name) FROM (SELECT exam_name, count(*) n FROM a GROUP BY 1)"],
  ['exams', 'SELECT count(DISTINCT base_exam_id) FROM raw', 'SELECT count(DISTINCT base_exam_id) FROM a'],
  ['learning_git', "SELECT count(*) FROM raw WHERE exam_name = 'Learning Git'",
    "SELECT count(*) FROM a WHERE exam_name = 'Learning Git'"],
  ['average_score',
    'SELECT avg(CASE WHEN sequences.counts.total > 0 THEN sequences.counts.correct::DOUBLE / sequences.counts.total END) FROM raw',
    'SELECT avg(score) FROM a'],
  ['pass_rate_over_70',
    'SELECT avg((sequences.counts.correct::DOUBLE / sequences.counts.total > 0.7)::INT) FROM raw WHERE sequences.counts.total > 0',
    'SELECT avg((score > 0.7)::INT) FROM a WHERE score IS NOT NULL'],
  ['average_duration_s',
    'SELECT avg(epoch_us(done) - epoch_us(started_at)) / 1e6 FROM raw_done WHERE done IS NOT NULL',
    'SELECT avg(duration_s) FROM a'],
  ['question_rows', 'SELECT sum(len(sequences.questions)) FROM raw', 'SELECT count(*) FROM qn'],
  ['option_rows', 'SELECT sum(len(flatten(list_transform(sequences.questions, x -> x.options)))) FROM raw',
    'SELECT count(*) FROM op'],
  ['attempts_per_day',
    "SELECT string_agg(d || '=' || n, ';' ORDER BY d) FROM (SELECT started_at::DATE::VARCHAR d, count(*) n FROM raw GROUP BY 1)",
    "SELECT string_agg(d || '=' || n, ';' ORDER BY d) FROM (SELECT dt::VARCHAR d, count(*) n FROM a GROUP BY 1)"],
];

let failed = 0;
const same = (x, y) => {
  if (typeof x === 'number' || typeof y === 'number' || /^-?[0-9.e+-]+$/.test(String(x))) {
    const a = Number(x), b = Number(y);
    return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
  }
  return x === y;
};
for (const [name, rawSql, lakeSql] of checks) {
  let r, l, err = null;
  try {
    r = await one(rawSql);
    l = await one(lakeSql);
  } catch (e) {
    err = e.message;
  }
  const short = (v) => (String(v).length > 120 ? String(v).slice(0, 120) + '...' : String(v));
  if (!err && r !== null && same(r, l)) {
    console.log(`ok - ${o.name}:duckdb_${name} (${short(l)})`);
  } else {
    failed++;
    console.log(`not ok - ${o.name}:duckdb_${name}`);
    console.log(err ? `  error: ${err}` : `  raw JSON: ${short(r)}\n  lake:     ${short(l)}`);
  }
}
// Hive partitions: every row sits in the folder of its started_at's UTC date.
const misplaced = await one('SELECT count(*) FROM a WHERE dt IS DISTINCT FROM started_at::DATE');
if (Number(misplaced) === 0) console.log(`ok - ${o.name}:duckdb_dt_is_started_at_date`);
else {
  failed++;
  console.log(`not ok - ${o.name}:duckdb_dt_is_started_at_date (${misplaced} rows elsewhere)`);
}
process.exit(failed ? 1 : 0);
