#!/usr/bin/env node
// meta.mjs: prints what DuckDB reads from a Parquet file's footer, in the canonical form that
// tests/tools/pq_testfiles writes as NAME.meta, so the two can be compared byte for byte.
//
//   node meta.mjs FILE               footer facts and per-chunk statistics (below)
//   node meta.mjs --encodings FILE   per chunk: [row_group,"column","encodings",
//                                    "total_uncompressed_size","total_compressed_size"]
//   node meta.mjs [--encodings] --out DIR FILE...
//                                    the same for many files in one process, each written to
//                                    DIR/<file name without .parquet>.meta-duckdb
//
// Default output: line 1 is
//   {"created_by":"...","created_by_parses":true|false,"format_version":"1","num_rows":"N",
//    "num_row_groups":"N","kv":{...}}
// where created_by_parses says whether created_by has the form parquet-mr's VersionParser
// accepts ("<application> version <x.y.z...> (build <hash>)"), and kv holds the key/value
// metadata whose keys start with "test.". Then one line per column chunk, in row group and
// column order: [row_group,"column","CODEC","null_count",min,max] with min/max in the value
// form of canon.mjs (null when the footer has none). Timestamp and date bounds are converted
// by DuckDB itself (in UTC), doubles and integers parsed from DuckDB's text. DuckDB shows an
// infinite double bound as NULL; for such a bound the value hyparquet decodes from the same
// footer is printed instead when it is infinite (so the writer's infinities are checked too).
// column_orders is "TypeDefinedOrder*N" when all N columns say TypeDefinedOrder.

import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { canonDouble } from './canon.mjs';

const USAGE = 'usage: node meta.mjs [--encodings] [--out DIR] FILE...';

async function main() {
  const args = process.argv.slice(2);
  let encodings = false;
  let outDir = null;
  const files = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--encodings') encodings = true;
    else if (a === '--out' && i + 1 < args.length) outDir = args[++i];
    else if (a === '--help' || a === '-h') { process.stdout.write(USAGE + '\n'); return 0; }
    else if (a.startsWith('-')) { process.stderr.write(`meta.mjs: unknown option '${a}'\n${USAGE}\n`); return 2; }
    else files.push(a);
  }
  if (files.length === 0 || (files.length > 1 && !outDir)) { process.stderr.write(USAGE + '\n'); return 2; }

  const { DuckDBInstance } = await import('@duckdb/node-api');
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  let status = 0;
  try {
    await conn.run("SET TimeZone = 'UTC'");
    for (const file of files) {
      try {
        const text = (await describe(conn, file, encodings)).map((l) => l + '\n').join('');
        if (outDir) writeFileSync(join(outDir, basename(file).replace(/\.parquet$/, '') + '.meta-duckdb'), text);
        else process.stdout.write(text);
      } catch (e) {
        process.stderr.write(`meta.mjs: ${basename(file)}: ${e?.message ?? e}\n`);
        status = 1;
      }
    }
  } finally {
    conn.closeSync?.();
    inst.closeSync?.();
  }
  return status;
}

// The output lines for one file.
async function describe(conn, file, encodings) {
  const rows = async (sql) => (await conn.runAndReadAll(sql)).getRowObjects();
  const lit = "'" + file.replaceAll("'", "''") + "'";
  const lines = [];
  if (encodings) {
    for (const r of await rows(`SELECT row_group_id, path_in_schema, encodings, total_uncompressed_size,
          total_compressed_size FROM parquet_metadata(${lit}) ORDER BY row_group_id, column_id`)) {
      lines.push(JSON.stringify([Number(r.row_group_id), r.path_in_schema, r.encodings,
        String(r.total_uncompressed_size), String(r.total_compressed_size)]));
    }
  } else {
    const [fm] = await rows(`SELECT created_by, format_version, num_rows, num_row_groups, column_orders
                             FROM parquet_file_metadata(${lit})`);
    const orders = (fm.column_orders?.items ?? fm.column_orders ?? []).map(String);
    const allTdo = orders.length > 0 && orders.every((o) => o.includes('TypeDefinedOrder'));
    const kv = {};
    for (const r of await rows(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${lit})
                                ORDER BY k`)) {
      if (r.k.startsWith('test.')) kv[r.k] = r.v;
    }
    lines.push(JSON.stringify({
      created_by: fm.created_by,
      created_by_parses: createdByParses(fm.created_by),
      format_version: String(fm.format_version),
      num_rows: String(fm.num_rows),
      num_row_groups: String(fm.num_row_groups),
      column_orders: allTdo ? `TypeDefinedOrder*${orders.length}` : orders.join(';'),
      kv,
    }));
    const bound = (col) => `CASE
        WHEN s.duckdb_type = 'TIMESTAMP WITH TIME ZONE' THEN CAST(epoch_us(TRY_CAST(m.${col} AS TIMESTAMPTZ)) AS VARCHAR)
        WHEN s.duckdb_type = 'DATE' THEN CAST(TRY_CAST(m.${col} AS DATE) - DATE '1970-01-01' AS VARCHAR)
        WHEN s.duckdb_type = 'BLOB' THEN lower(hex(TRY_CAST(m.${col} AS BLOB)))
        ELSE m.${col} END`;
    const chunks = await rows(`SELECT m.row_group_id, m.column_id, m.path_in_schema, m.compression, m.stats_null_count,
          s.duckdb_type, m.stats_min_value IS NULL AS no_min, m.stats_max_value IS NULL AS no_max,
          ${bound('stats_min_value')} AS min_v, ${bound('stats_max_value')} AS max_v
        FROM parquet_metadata(${lit}) m JOIN parquet_schema(${lit}) s ON s.name = m.path_in_schema
        ORDER BY m.row_group_id, m.column_id`);
    let footer = null; // hyparquet's decoding of the footer, read only when needed
    const infinite = async (r, key) => {
      if (r.duckdb_type !== 'DOUBLE') return null;
      if (!footer) {
        const hp = await import('hyparquet');
        footer = await hp.parquetMetadataAsync(await hp.asyncBufferFromFile(file));
      }
      const v = footer.row_groups[Number(r.row_group_id)].columns[Number(r.column_id)].meta_data.statistics?.[key];
      return typeof v === 'number' && !Number.isFinite(v) && !Number.isNaN(v) ? JSON.parse(canonDouble(v)) : null;
    };
    for (const r of chunks) {
      lines.push(JSON.stringify([Number(r.row_group_id), r.path_in_schema, r.compression,
        r.stats_null_count === null ? null : String(r.stats_null_count),
        r.no_min ? await infinite(r, 'min_value') : JSON.parse(canonBound(r.duckdb_type, r.min_v)),
        r.no_max ? await infinite(r, 'max_value') : JSON.parse(canonBound(r.duckdb_type, r.max_v))]));
    }
  }
  return lines;
}

// parquet-mr's VersionParser: "<app> version <semver> (build <hash>)"; readers that cannot
// parse it (or see a known-bad version) ignore the file's statistics.
function createdByParses(s) {
  return typeof s === 'string' && /^(.+?)\s+version\s+(\d+\.\d+\.\d+\S*)\s+\(build\s+(\S+?)\)$/.test(s);
}

// A bound as DuckDB renders it -> canonical cell text (canon.mjs) for the column's type.
function canonBound(duckdbType, text) {
  if (text === null || text === undefined) return '"unparseable"';
  switch (duckdbType) {
    case 'BOOLEAN': return text === 'true' ? 'true' : text === 'false' ? 'false' : JSON.stringify('bad:' + text);
    case 'INTEGER': case 'BIGINT': case 'TIMESTAMP WITH TIME ZONE': case 'DATE': case 'BLOB':
      return JSON.stringify(text);
    case 'DOUBLE': {
      const t = text.toLowerCase();
      if (t === 'inf' || t === 'infinity') return canonDouble(Infinity);
      if (t === '-inf' || t === '-infinity') return canonDouble(-Infinity);
      return canonDouble(Number(text));
    }
    case 'VARCHAR': return JSON.stringify(text);
    default: return JSON.stringify(duckdbType + ':' + text);
  }
}

main().then((code) => { process.exitCode = code; }, (e) => {
  process.stderr.write(`meta.mjs: ${e?.message ?? e}\n`);
  process.exitCode = 1;
});
