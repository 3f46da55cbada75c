#!/usr/bin/env node
// report_duckdb.mjs: computes every figure of `sluice report --format json` with DuckDB
// over the same lake (Parquet files with hive_partitioning, manifests with read_json) and
// compares them with the report sluice wrote. Used by tests/e2e/report.sh and bench/report.sh.
//
//   node tests/e2e/report_duckdb.mjs --lake DIR --sluice REPORT.json [--tenant ID]
//   node tests/e2e/report_duckdb.mjs --lake DIR --time [--repeat K]    (bench: timings only)
//
// Compare mode prints "ok - report:FIGURE" / "not ok - report:FIGURE" lines and exits 1 when
// any figure differs. Integers must be equal; reals equal within 1e-9 (relative): the two
// sides add the same doubles in different orders.
// Time mode runs the same queries (SET threads = 1), best of K (default 3), and prints
// duckdb_seconds=..., duckdb_seconds_all=..., duckdb_cpu_seconds=....
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'readers', 'package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

const args = { lake: null, sluice: null, tenant: null, time: false, repeat: 3 };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--lake') args.lake = process.argv[++i];
  else if (a === '--sluice') args.sluice = process.argv[++i];
  else if (a === '--tenant') args.tenant = process.argv[++i];
  else if (a === '--time') args.time = true;
  else if (a === '--repeat') args.repeat = Number(process.argv[++i]);
  else { console.error(`unknown argument ${a}`); process.exit(2); }
}
if (!args.lake || (!args.time && !args.sluice)) {
  console.error('usage: report_duckdb.mjs --lake DIR (--sluice REPORT.json | --time) [--tenant ID]');
  process.exit(2);
}

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run('SET threads = 1');
await con.run("SET TimeZone = 'UTC'");
const q = (s) => s.replaceAll("'", "''");
const lake = q(args.lake);
const src = (t) => `read_parquet('${lake}/${t}/**/*.parquet', hive_partitioning = true, hive_types_autocast = false)`;
const tenantWhere = args.tenant ? `WHERE tenant = '${q(args.tenant)}'` : '';
await con.run(`CREATE VIEW a AS SELECT * FROM ${src('assessments')} ${tenantWhere}`);
await con.run(`CREATE VIEW qs AS SELECT * FROM ${src('questions')} ${tenantWhere}`);

async function rows(sql) {
  const r = await con.runAndReadAll(sql);
  return r.getRowObjectsJson();
}
const num = (v) => (v === null || v === undefined ? null : Number(v));

async function hasFiles(table) {
  try {
    await rows(`SELECT count(*) FROM ${src(table)}`);
    return true;
  } catch { return false; }
}

// Every figure, in the JSON shape of sluice's report.
async function compute() {
  const out = { tenant: args.tenant ?? null };
  if (args.tenant) {
    out.pipeline = null;
  } else {
    let m = [];
    try {
      m = await rows(`SELECT count(*) AS commits, sum(messages) AS messages, sum(duplicates) AS duplicates,
        sum(quarantined) AS quarantined, sum(extra_keys) AS extra_keys
        FROM read_json('${lake}/_sluice/manifests/*/*/*.json', format = 'auto')`);
    } catch { m = [{ commits: 0, messages: 0, duplicates: 0, quarantined: 0, extra_keys: 0 }]; }
    const p = m[0];
    out.pipeline = {
      commits: num(p.commits), messages: num(p.messages) ?? 0,
      landed: (num(p.messages) ?? 0) - (num(p.duplicates) ?? 0) - (num(p.quarantined) ?? 0),
      duplicates: num(p.duplicates) ?? 0, quarantined: num(p.quarantined) ?? 0, extra_keys: num(p.extra_keys) ?? 0,
    };
    // rows per table: the "rows" object of every manifest, summed per key
    let rt = [];
    try {
      rt = await rows(`SELECT k AS t, sum(v) AS n FROM (
          SELECT unnest(json_keys(j->'rows')) AS k, j->'rows' AS r FROM
            (SELECT json(content) AS j FROM read_text('${lake}/_sluice/manifests/*/*/*.json'))
        ) x, LATERAL (SELECT (r->>k)::BIGINT AS v) GROUP BY k ORDER BY k`);
    } catch { rt = []; }
    out.pipeline.rows = Object.fromEntries(rt.map((r) => [r.t, num(r.n)]));
  }
  const s = (await rows(`SELECT count(*) AS attempts, count(DISTINCT keen_id) AS distinct_attempts,
      count(DISTINCT base_exam_id) AS exams, count(DISTINCT exam_name) AS exam_names,
      count(*) FILTER (WHERE exam_name = 'Learning Git') AS lg,
      count(score) AS scored, avg(score) AS avg_score, count(*) FILTER (WHERE score > 0.7) AS over70,
      count(duration_s) AS timed, avg(duration_s) AS avg_dur FROM a`))[0];
  Object.assign(out, {
    attempts: num(s.attempts), distinct_attempts: num(s.distinct_attempts), exams: num(s.exams),
    exam_names: num(s.exam_names), learning_git_attempts: num(s.lg),
    score: { scored_attempts: num(s.scored), average: num(s.avg_score), over_70_attempts: num(s.over70),
      over_70_share: num(s.scored) ? num(s.over70) / num(s.scored) : null },
    duration_s: { timed_attempts: num(s.timed), average: num(s.avg_dur) },
  });
  const ranked = async (dir) => (await rows(`SELECT exam_name, count(*) AS n FROM a GROUP BY exam_name
      ORDER BY n ${dir}, exam_name ASC NULLS LAST LIMIT 5`)).map((r) => ({ exam_name: r.exam_name, attempts: num(r.n) }));
  out.most_common_exams = await ranked('DESC');
  out.least_common_exams = await ranked('ASC');
  const top = await rows(`SELECT base_exam_id, count(*) AS n, min(exam_name) AS name FROM a
      WHERE base_exam_id IS NOT NULL GROUP BY base_exam_id ORDER BY n DESC, base_exam_id LIMIT 1`);
  if (top.length === 0) {
    out.most_common_exam = null;
  } else {
    const id = top[0].base_exam_id;
    const qs = await rows(`SELECT question_id, count(*) AS answered, count(*) FILTER (WHERE user_correct) AS correct
        FROM qs WHERE base_exam_id = '${q(id)}' GROUP BY question_id ORDER BY question_id NULLS LAST`);
    out.most_common_exam = {
      base_exam_id: id, exam_name: top[0].name, attempts: num(top[0].n),
      questions: qs.map((r) => ({ question_id: r.question_id, answered: num(r.answered), correct: num(r.correct),
        share_correct: num(r.correct) / num(r.answered) })),
    };
  }
  out.attempts_per_day = (await rows(`SELECT dt, count(*) AS n FROM a GROUP BY dt ORDER BY dt NULLS LAST`))
    .map((r) => ({ dt: r.dt === '__HIVE_DEFAULT_PARTITION__' ? null : r.dt, attempts: num(r.n) }));
  const b = await rows(`SELECT least(greatest(floor(score * 10), 0), 9)::INTEGER AS b, count(*) AS n
      FROM a WHERE score IS NOT NULL GROUP BY b`);
  out.score_distribution = Array.from({ length: 10 }, (_, i) => ({ from: i / 10, to: (i + 1) / 10,
    attempts: num(b.find((r) => num(r.b) === i)?.n ?? 0) }));
  if (args.tenant) {
    out.quarantine = null;
  } else if (await hasFiles('_quarantine')) {
    const z = await rows(`SELECT reason, count(*) AS n FROM ${src('_quarantine')} GROUP BY reason
        ORDER BY n DESC, reason ASC NULLS LAST`);
    out.quarantine = { messages: z.reduce((t, r) => t + num(r.n), 0),
      by_reason: z.map((r) => ({ reason: r.reason, messages: num(r.n) })) };
  } else {
    out.quarantine = { messages: 0, by_reason: [] };
  }
  return out;
}

if (args.time) {
  const times = [], cpus = [];
  for (let k = 0; k < args.repeat; k++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await compute();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  const r = await compute();
  console.log(`duckdb_seconds=${Math.min(...times).toFixed(4)}`);
  console.log(`duckdb_seconds_all=${times.map((t) => t.toFixed(3)).join(',')}`);
  console.log(`duckdb_cpu_seconds=${Math.min(...cpus).toFixed(4)}`);
  console.log(`duckdb_attempts=${r.attempts}`);
  console.log(`duckdb_result=${JSON.stringify(r)}`);
  process.exit(0);
}

const want = await compute();
const got = JSON.parse(readFileSync(args.sluice, 'utf8'));
let failed = 0;

// Deep comparison: integers exactly, reals within 1e-9 relative; returns a path or null.
function diff(g, w, path) {
  if (w === null || typeof w !== 'object') {
    if (typeof w === 'number' && typeof g === 'number') {
      if (Number.isInteger(w) && Number.isInteger(g)) return g === w ? null : `${path}: ${g} != ${w}`;
      return Math.abs(g - w) <= 1e-9 * Math.max(1, Math.abs(w)) ? null : `${path}: ${g} != ${w}`;
    }
    return g === w ? null : `${path}: ${JSON.stringify(g)} != ${JSON.stringify(w)}`;
  }
  if (g === null || typeof g !== 'object') return `${path}: ${JSON.stringify(g)} != ${JSON.stringify(w)}`;
  if (Array.isArray(w)) {
    if (!Array.isArray(g) || g.length !== w.length) return `${path}: length ${g?.length} != ${w.length}`;
    for (let i = 0; i < w.length; i++) { const d = diff(g[i], w[i], `${path}[${i}]`); if (d) return d; }
    return null;
  }
  for (const k of Object.keys(w)) { const d = diff(g[k], w[k], `${path}.${k}`); if (d) return d; }
  return null;
}

for (const key of Object.keys(want)) {
  const d = diff(got[key], want[key], key);
  if (d) { console.log(`not ok - report:${key}`); console.log(`  ${d}`); failed = 1; }
  else console.log(`ok - report:${key}`);
}
// cross-checks between the manifests and the data
if (want.pipeline && want.quarantine) {
  const same = want.pipeline.quarantined === want.quarantine.messages &&
    (want.pipeline.rows.assessments ?? 0) === want.attempts;
  console.log(`${same ? 'ok' : 'not ok'} - report:manifests_match_data`);
  if (!same) failed = 1;
}
process.exit(failed);
