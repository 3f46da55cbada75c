#!/usr/bin/env node
// sql_duckdb.mjs: runs each query below through `sluice sql --format csv` and through DuckDB
// over the same lake, and compares the results. Used by tests/e2e/sql.sh.
//
//   node tests/e2e/sql_duckdb.mjs --sluice build/sluice --lake DIR
//
// DuckDB sees the lake through views that present the columns the way sluice sql does:
// Parquet files read with hive_partitioning (dt, tenant as VARCHAR; the default partition
// as NULL), booleans as 0/1 integers, timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' text
// (UTC), dates as 'YYYY-MM-DD'. The queries use only SQL both engines read the same way
// (explicit NULLS FIRST/LAST, no integer division, LIKE patterns whose case cannot matter).
// sluice's CSV is parsed (RFC 4180; an unquoted empty field is NULL) and compared cell by
// cell: integers exactly, reals within 1e-9 relative, text byte for byte.
// Prints "ok - sql:qNN" / "not ok - sql:qNN" lines; exit status 1 when any differs.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'readers', 'package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

let sluice = null, lake = null;
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--sluice') sluice = process.argv[++i];
  else if (process.argv[i] === '--lake') lake = process.argv[++i];
  else { console.error(`unknown argument ${process.argv[i]}`); process.exit(2); }
}
if (!sluice || !lake) { console.error('usage: sql_duckdb.mjs --sluice BIN --lake DIR'); process.exit(2); }

const QUERIES = [
  `SELECT count(*) FROM assessments`,
  `SELECT count(*), count(DISTINCT keen_id), count(DISTINCT base_exam_id), count(DISTINCT exam_name) FROM assessments`,
  `SELECT exam_name, count(*) AS n FROM assessments GROUP BY exam_name ORDER BY n DESC, exam_name NULLS LAST LIMIT 10`,
  `SELECT dt, count(*) AS n, avg(score) AS s, sum(question_count) AS q FROM assessments GROUP BY dt ORDER BY dt NULLS FIRST`,
  `SELECT keen_id, started_at, completed_at, keen_created_at, duration_s, max_attempts FROM assessments
     WHERE dt = '2018-01-15' ORDER BY keen_id`,
  `SELECT min(started_at), max(started_at), min(completed_at), max(keen_timestamp), min(_offset), max(_offset)
     FROM assessments`,
  `SELECT count(*), count(certification), sum(certification), count(score), count(completed_at),
     count(duration_s), count(correct) FROM assessments`,
  `SELECT count(*) FROM assessments WHERE certification IS NULL OR completed_at IS NULL OR score IS NULL`,
  `SELECT coalesce(exam_name, '(none)') AS e, count(*) FROM assessments WHERE base_exam_id = 'example-id'
     OR exam_name IS NULL GROUP BY 1 ORDER BY 1`,
  `SELECT a.exam_name, count(*) AS questions, sum(q.user_correct) AS correct FROM assessments a
     JOIN questions q ON q.keen_id = a.keen_id GROUP BY a.exam_name ORDER BY 2 DESC, 1 NULLS LAST LIMIT 10`,
  `SELECT q.user_result, count(*), sum(o.checked), sum(o.correct), sum(o.submitted) FROM questions q
     JOIN options o ON o.keen_id = q.keen_id AND o.question_index = q.question_index
     GROUP BY 1 ORDER BY 1 NULLS FIRST`,
  `SELECT a.dt, count(DISTINCT a.keen_id), count(*), sum(o.correct) FROM assessments a
     JOIN questions q ON q.keen_id = a.keen_id
     JOIN options o ON o.keen_id = q.keen_id AND o.question_index = q.question_index
     WHERE a.exam_name = 'Learning Git' GROUP BY 1 ORDER BY 1 NULLS FIRST`,
  `SELECT count(*) FROM assessments a LEFT JOIN questions q ON q.keen_id = a.keen_id WHERE q.keen_id IS NULL`,
  `SELECT count(*), sum(checked) FROM options WHERE keen_id IN (SELECT keen_id FROM assessments WHERE score = 1)`,
  `SELECT DISTINCT exam_name FROM assessments WHERE exam_name LIKE '%Python%' ORDER BY 1`,
  `SELECT exam_name, count(*) FROM assessments WHERE exam_name LIKE '%ü%' OR exam_name LIKE '日本%'
     OR exam_name LIKE '%ñ%' GROUP BY 1 ORDER BY 1`,
  `SELECT DISTINCT exam_name, length(exam_name) AS chars, substr(exam_name, 1, 4) AS head, upper(substr(exam_name, 1, 1))
     FROM assessments WHERE _topic = 'intl.ndjson' ORDER BY 1`,
  `SELECT CASE WHEN score > 0.7 THEN 'pass' WHEN score IS NULL THEN 'none' ELSE 'fail' END AS r, count(*)
     FROM assessments GROUP BY 1 ORDER BY 1`,
  `SELECT count(*), min(started_at), max(started_at) FROM assessments
     WHERE started_at >= '2018-01-01' AND started_at < '2018-01-08'`,
  `SELECT dt, count(*), sum(correct) FROM options WHERE dt BETWEEN '2017-12-24' AND '2017-12-26' GROUP BY dt ORDER BY dt`,
  `SELECT _offset, reason, _topic, _partition FROM _quarantine ORDER BY _offset`,
  `SELECT exam_name, n, rank() OVER (ORDER BY n DESC) AS r FROM
     (SELECT exam_name, count(*) AS n FROM assessments GROUP BY exam_name) t ORDER BY n DESC, exam_name NULLS LAST LIMIT 12`,
  `SELECT base_exam_id, count(*) AS n, avg(duration_s) FROM assessments GROUP BY 1 HAVING count(*) >= 100 ORDER BY 2 DESC, 1`,
  `SELECT option_count, count(*), sum(user_correct), sum(user_incomplete) FROM questions GROUP BY 1 ORDER BY 1 NULLS FIRST`,
  `SELECT _topic, count(*), min(_offset), max(_offset), count(_timestamp), min(_partition) FROM assessments
     GROUP BY 1 ORDER BY 1`,
  `SELECT count(*), sum(question_count) FROM assessments WHERE _offset BETWEEN 100 AND 250`,
  `SELECT count(*), min("at"), max("at") FROM options WHERE "at" IS NOT NULL`,
  `SELECT count(*) FROM options WHERE correct = 1 AND checked = 0`,
  `SELECT dt, keen_id, exam_name FROM assessments WHERE dt IS NULL ORDER BY keen_id`,
  `SELECT count(*) FROM questions WHERE dt IN ('2017-12-01', '2017-12-02', '2018-01-20')`,
  `SELECT a.keen_id, a.score, count(o.option_id) FROM assessments a LEFT JOIN options o
     ON o.keen_id = a.keen_id AND o."at" IS NULL WHERE a.dt = '2017-11-30' GROUP BY 1, 2 ORDER BY 1`,
];

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run('SET threads = 1');
await con.run("SET TimeZone = 'UTC'");
const qs = (s) => s.replaceAll("'", "''");
for (const t of ['assessments', 'questions', 'options', '_quarantine']) {
  const src = `read_parquet('${qs(lake)}/${t}/**/*.parquet', hive_partitioning = true, hive_types_autocast = false)`;
  const cols = (await con.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjectsJson();
  const sel = cols.map(({ column_name: c, column_type: ty }) => {
    const id = `"${c}"`;
    if (c === 'dt' || c === 'tenant') return `nullif(${id}, '__HIVE_DEFAULT_PARTITION__') AS ${id}`;
    if (ty === 'BOOLEAN') return `${id}::INTEGER AS ${id}`;
    if (ty.startsWith('TIMESTAMP')) return `strftime(${id}::TIMESTAMP, '%Y-%m-%d %H:%M:%S.%f') AS ${id}`;
    if (ty === 'DATE') return `strftime(${id}, '%Y-%m-%d') AS ${id}`;
    return id;
  });
  await con.run(`CREATE VIEW "${t}" AS SELECT ${sel.join(', ')} FROM ${src}`);
}

// RFC 4180 parser: rows of cells; an unquoted empty field is null.
function parseCsv(text) {
  const rows = [];
  let row = [], i = 0;
  while (i < text.length) {
    let cell = '', quoted = false;
    if (text[i] === '"') {
      quoted = true; i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') { if (text[i + 1] === '"') { cell += '"'; i += 2; } else { i++; break; } }
        else cell += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\n') cell += text[i++];
    }
    row.push(!quoted && cell === '' ? null : cell);
    if (text[i] === ',') { i++; continue; }
    if (text[i] === '\n') i++;
    rows.push(row); row = [];
  }
  return rows;
}

function same(got, want) {
  if (want === null || got === null) return got === want;
  const w = String(want);
  if (got === w) return true;
  const gn = Number(got), wn = Number(w);
  if (got.trim() !== '' && w.trim() !== '' && Number.isFinite(gn) && Number.isFinite(wn)) {
    if (Number.isInteger(gn) && Number.isInteger(wn) && !/[.eE]/.test(got)) return gn === wn;
    return Math.abs(gn - wn) <= 1e-9 * Math.max(1, Math.abs(wn));
  }
  return false;
}

let failed = 0;
for (let k = 0; k < QUERIES.length; k++) {
  const name = `sql:q${String(k + 1).padStart(2, '0')}`;
  const sql = QUERIES[k];
  const r = spawnSync(sluice, ['sql', '--lake', lake, '--format', 'csv', sql], { encoding: 'utf8', maxBuffer: 1 << 28 });
  let want;
  try {
    want = (await con.runAndReadAll(sql)).getRowsJson();
  } catch (e) {
    console.log(`not ok - ${name} (duckdb: ${e.message})`); failed = 1; continue;
  }
  if (r.status !== 0) {
    console.log(`not ok - ${name} (sluice exit ${r.status}: ${r.stderr.trim()})`); failed = 1; continue;
  }
  const got = parseCsv(r.stdout).slice(1); // without the header
  let problem = null;
  if (want.length === 0) problem = 'duckdb returned no rows (the query tests nothing)';
  else if (got.length !== want.length) problem = `${got.length} rows, duckdb ${want.length}`;
  for (let i = 0; !problem && i < want.length; i++) {
    if (got[i].length !== want[i].length) { problem = `row ${i}: ${got[i].length} cells, duckdb ${want[i].length}`; break; }
    for (let j = 0; j < want[i].length; j++) {
      if (!same(got[i][j], want[i][j])) {
        problem = `row ${i} col ${j}: sluice ${JSON.stringify(got[i][j])}, duckdb ${JSON.stringify(want[i][j])}`;
        break;
      }
    }
  }
  if (problem) { console.log(`not ok - ${name}`); console.log(`  ${problem}\n  ${sql.replace(/\s+/g, ' ')}`); failed = 1; }
  else console.log(`ok - ${name} (${want.length} rows)`);
}
process.exit(failed);
