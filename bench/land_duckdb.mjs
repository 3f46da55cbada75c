#!/usr/bin/env node
// land_duckdb.mjs: the DuckDB peer of `sluice land --from` (bench/land.sh). Does the same
// transform with DuckDB, single-threaded: read_json of the NDJSON file, dedupe by keen_id
// (first occurrence), unnest questions and options, the same columns as the built-in
// `assessments` mapping (provenance included), and COPY each table to zstd Parquet
// partitioned by dt (the UTC date of started_at).
//
//   node bench/land_duckdb.mjs --in FILE.ndjson --out DIR [--topic NAME]
//
// Prints key=value lines: duckdb_seconds (wall time of the SQL), duckdb_cpu_seconds (CPU time
// of the process during it), rows_assessments, rows_questions, rows_options, files.

import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'tests', 'readers', 'package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
const input = opt('--in', null), out = opt('--out', null);
const topic = opt('--topic', input ? input.split('/').pop() : null);
if (!input || !out) {
  console.error('usage: land_duckdb.mjs --in FILE.ndjson --out DIR [--topic NAME]');
  process.exit(2);
}
const q = (s) => "'" + s.replaceAll("'", "''") + "'";

const COLUMNS = `{
  keen_timestamp: 'VARCHAR', max_attempts: 'VARCHAR', started_at: 'VARCHAR', base_exam_id: 'VARCHAR',
  user_exam_id: 'VARCHAR',
  sequences: 'STRUCT(questions STRUCT(user_incomplete BOOLEAN, user_correct BOOLEAN,
    options STRUCT(checked BOOLEAN, "at" VARCHAR, id VARCHAR, submitted BIGINT, correct BOOLEAN)[],
    user_submitted BOOLEAN, id VARCHAR, user_result VARCHAR)[], attempt BIGINT, id VARCHAR,
    counts STRUCT(incomplete BIGINT, submitted BIGINT, incorrect BIGINT, all_correct BOOLEAN,
    correct BIGINT, total BIGINT, unanswered BIGINT))',
  keen_created_at: 'VARCHAR', certification: 'VARCHAR', keen_id: 'VARCHAR', exam_name: 'VARCHAR'
}`;
const epoch = (c) => `make_timestamptz((${c}::DECIMAL(38,7) * 1000000)::BIGINT)`;
const copy = (sel, table) =>
  `COPY (${sel}) TO ${q(out + '/' + table)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (dt))`;
const prov = `${q(topic)} AS _topic, 0::INTEGER AS _partition, _offset, NULL::TIMESTAMPTZ AS _timestamp`;

const SQL = [
  "SET threads = 1",
  "SET TimeZone = 'UTC'",
  `CREATE TEMP TABLE src AS SELECT *, (row_number() OVER () - 1)::BIGINT AS _offset
     FROM read_json(${q(input)}, format = 'newline_delimited', columns = ${COLUMNS},
                    maximum_object_size = 67108864)`,
  `CREATE TEMP TABLE att AS SELECT * FROM src
     QUALIFY row_number() OVER (PARTITION BY keen_id ORDER BY _offset) = 1`,
  copy(`SELECT keen_id, user_exam_id, base_exam_id, exam_name,
          started_at::TIMESTAMPTZ AS started_at, ${epoch('keen_timestamp')} AS keen_timestamp,
          ${epoch('keen_created_at')} AS keen_created_at, max_attempts::DOUBLE AS max_attempts,
          certification::BOOLEAN AS certification, sequences.id AS sequence_id,
          sequences.attempt::INTEGER AS attempt, len(sequences.questions)::INTEGER AS question_count,
          sequences.counts.correct::INTEGER AS correct, sequences.counts.incorrect::INTEGER AS incorrect,
          sequences.counts.incomplete::INTEGER AS incomplete, sequences.counts.submitted::INTEGER AS submitted,
          sequences.counts.unanswered::INTEGER AS unanswered, sequences.counts.total::INTEGER AS total,
          sequences.counts.all_correct AS all_correct,
          CASE WHEN sequences.counts.total > 0 THEN sequences.counts.correct / sequences.counts.total END AS score,
          done AS completed_at, (epoch_us(done) - epoch_us(started_at::TIMESTAMPTZ)) / 1e6 AS duration_s,
          ${prov}, started_at::TIMESTAMPTZ::DATE AS dt
        FROM (SELECT *, list_max(flatten(list_transform(sequences.questions,
                          x -> list_transform(x.options, o -> o."at"::TIMESTAMPTZ)))) AS done FROM att)`,
       'assessments'),
  `CREATE TEMP TABLE qs AS SELECT keen_id, user_exam_id, base_exam_id, _offset,
          started_at::TIMESTAMPTZ::DATE AS dt,
          unnest(sequences.questions) AS qq, unnest(generate_series(0, len(sequences.questions) - 1)) AS question_index
        FROM att`,
  copy(`SELECT keen_id, user_exam_id, base_exam_id, question_index::INTEGER AS question_index,
          qq.id AS question_id, qq.user_correct AS user_correct, qq.user_incomplete AS user_incomplete,
          qq.user_submitted AS user_submitted, qq.user_result AS user_result,
          len(qq.options)::INTEGER AS option_count, ${prov}, dt FROM qs`, 'questions'),
  copy(`SELECT keen_id, user_exam_id, base_exam_id, question_index::INTEGER AS question_index,
          question_id, option_index::INTEGER AS option_index, oo.id AS option_id, oo.checked AS checked,
          coalesce(oo.correct, false) AS correct, oo.submitted IS NOT NULL AS submitted,
          oo."at"::TIMESTAMPTZ AS "at", ${prov}, dt
        FROM (SELECT *, qq.id AS question_id, unnest(qq.options) AS oo,
                     unnest(generate_series(0, len(qq.options) - 1)) AS option_index FROM qs)`, 'options'),
];

mkdirSync(out, { recursive: true });
const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
for (const s of SQL) await con.run(s);
const cpu = process.cpuUsage(c0);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;

const count = async (t) =>
  (await con.runAndReadAll(`SELECT count(*) FROM read_parquet(${q(out + '/' + t + '/*/*.parquet')})`)).getRowsJson()[0][0];
let files = 0;
for (const t of ['assessments', 'questions', 'options'])
  for (const d of readdirSync(join(out, t))) files += readdirSync(join(out, t, d)).filter((f) => statSync(join(out, t, d, f)).isFile()).length;
console.log(`duckdb_seconds=${secs.toFixed(3)}`);
console.log(`duckdb_cpu_seconds=${((cpu.user + cpu.system) / 1e6).toFixed(3)}`);
console.log(`rows_assessments=${await count('assessments')}`);
console.log(`rows_questions=${await count('questions')}`);
console.log(`rows_options=${await count('options')}`);
console.log(`files=${files}`);
