// fuzz/make_parquet_reader_seeds.mjs: regenerates the Parquet files written by OTHER
// writers (DuckDB, arrow-rs via parquet-wasm) that sluice's reader is tested on. They are
// both fuzz seeds (fuzz/seeds/fuzz_parquet_reader/) and interop fixtures: the unit test
// tests/unit/test_parquet_reader.c reads them and checks the values this script wrote.
// Run from the repo root after scripts/deps.sh:  node fuzz/make_parquet_reader_seeds.mjs
// Deterministic: same inputs every run (file bytes may still change with library versions).
// The sluice-*.parquet seeds beside them come from sluice's own writer (build/tools/pq_sample):
//   pq_sample --rows 30 sluice-zstd.parquet
//   pq_sample --codec none --int96 --no-dictionary sluice-none-int96.parquet
//   pq_sample --codec snappy --row-group-bytes 1 --rows 4 sluice-snappy-rowgroups.parquet
//   pq_sample --codec gzip --rows 0 sluice-gzip-empty.parquet
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const req = createRequire(path.join(root, 'tests/readers/package.json'));
const duckdb = await import(req.resolve('@duckdb/node-api'));
const arrow = await import(req.resolve('apache-arrow'));
const pw = await import(req.resolve('parquet-wasm/node'));
const out = path.join(root, 'fuzz/seeds/fuzz_parquet_reader');
fs.mkdirSync(out, { recursive: true });

// ---- DuckDB: 50 rows, every sluice type plus FLOAT, nulls on every 7th row ----
// Row i: b = i%3==0, i32 = i*1000-25000, i64 = i*10^12 - 7, d = i/4 - 3,
// f = i/2 (FLOAT), s = 's' || i (null when i%7==3), bin = bytes i,i+1 (null when i%7==4),
// ts = 2018-01-23 14:23:19.082 UTC + i seconds + i microseconds (TIMESTAMPTZ; null when i%7==5),
// dt = 2017-11-21 + i days (null when i%7==6).
const db = await duckdb.DuckDBInstance.create(':memory:');
const con = await db.connect();
await con.run(`SET TimeZone='UTC'`);
await con.run(`CREATE TABLE t AS SELECT
  (i % 3 = 0) AS b,
  CAST(i * 1000 - 25000 AS INTEGER) AS i32,
  CAST(i AS BIGINT) * 1000000000000 - 7 AS i64,
  CAST(i AS DOUBLE) / 4 - 3 AS d,
  CAST(CAST(i AS DOUBLE) / 2 AS FLOAT) AS f,
  CASE WHEN i % 7 = 3 THEN NULL ELSE 's' || i END AS s,
  CASE WHEN i % 7 = 4 THEN NULL ELSE from_hex(printf('%02x%02x', i, i + 1)) END AS bin,
  CASE WHEN i % 7 = 5 THEN NULL ELSE TIMESTAMPTZ '2018-01-23 14:23:19.082+00' + to_microseconds(i * 1000001) END AS ts,
  CASE WHEN i % 7 = 6 THEN NULL ELSE DATE '2017-11-21' + CAST(i AS INTEGER) END AS dt
  FROM range(50) r(i)`);
for (const c of ['uncompressed', 'snappy', 'gzip', 'zstd']) {
  await con.run(`COPY t TO '${out}/duckdb-${c}.parquet' (FORMAT parquet, COMPRESSION ${c}, ROW_GROUP_SIZE 20)`);
}
// A timestamp in milliseconds and nanoseconds (converted to micros by the reader).
await con.run(`COPY (SELECT CAST(TIMESTAMP '2018-01-23 14:23:19.082' + to_microseconds(i * 1000) AS TIMESTAMP_MS) AS ms,
  CAST(TIMESTAMP '2018-01-23 14:23:19.082' + to_microseconds(i) AS TIMESTAMP_NS) AS ns
  FROM range(10) r(i)) TO '${out}/duckdb-ts-units.parquet' (FORMAT parquet, COMPRESSION uncompressed)`);

// Dictionary encoding over two row groups: 3000 rows, k = 'k' || (i % 10) (null when
// i % 11 == 0), n = i % 4 (INTEGER).
await con.run(`COPY (SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE 'k' || (i % 10) END AS k, CAST(i % 4 AS INTEGER) AS n
  FROM range(3000) r(i)) TO '${out}/duckdb-dict.parquet' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 2048)`);
// Format v2: DELTA_BINARY_PACKED for x = i * 7.
await con.run(`COPY (SELECT CAST(i * 7 AS BIGINT) AS x FROM range(100) r(i))
  TO '${out}/duckdb-v2-delta.parquet' (FORMAT parquet, COMPRESSION uncompressed, PARQUET_VERSION V2)`);
// Format v2, every type: the table t above (same values), data pages v2, DELTA_* and
// BYTE_STREAM_SPLIT encodings where DuckDB chooses them.
await con.run(`COPY t TO '${out}/duckdb-v2-all.parquet' (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION V2)`);

// ---- arrow-rs (parquet-wasm): data page v1 and v2, dictionary and plain ----
// 40 rows: id int32 = i, name utf8 = 'n' + (i % 5) (null when i%4==1), v float64 = i*1.5
const ids = Int32Array.from({ length: 40 }, (_, i) => i);
const names = Array.from({ length: 40 }, (_, i) => (i % 4 === 1 ? null : 'n' + (i % 5)));
const vs = Float64Array.from({ length: 40 }, (_, i) => i * 1.5);
const at = arrow.tableFromArrays({ id: ids, name: names, v: vs });
const ipc = arrow.tableToIPC(at, 'stream');
const variants = [
  ['arrow-v1-dict-snappy', pw.WriterVersion.V1, true, pw.Compression.SNAPPY],
  ['arrow-v2-dict-zstd', pw.WriterVersion.V2, true, pw.Compression.ZSTD],
  ['arrow-v1-plain-none', pw.WriterVersion.V1, false, pw.Compression.UNCOMPRESSED],
];
for (const [name, ver, dict, codec] of variants) {
  const props = new pw.WriterPropertiesBuilder()
    .setWriterVersion(ver).setDictionaryEnabled(dict).setCompression(codec)
    .setDataPageSizeLimit(64).setWriteBatchSize(8).setMaxRowGroupSize(25).build();
  const bytes = pw.writeParquet(pw.Table.fromIPCStream(ipc), props);
  fs.writeFileSync(`${out}/${name}.parquet`, bytes);
}
// arrow-rs v2 without dictionary, each column in a chosen encoding (200 rows):
// id int64 = i * 1000003 - 50000 (DELTA_BINARY_PACKED), name utf8 = 'prefix-' + i (null when
// i % 9 == 4; DELTA_BYTE_ARRAY), tag utf8 = 'tag' + (i % 3) (DELTA_LENGTH_BYTE_ARRAY),
// v float64 = i / 8 (BYTE_STREAM_SPLIT), small int32 = (i % 50) - 25 (DELTA_BINARY_PACKED).
{
  const n = 200;
  const t2 = arrow.tableFromArrays({
    id: BigInt64Array.from({ length: n }, (_, i) => BigInt(i * 1000003 - 50000)),
    name: Array.from({ length: n }, (_, i) => (i % 9 === 4 ? null : 'prefix-' + i)),
    tag: Array.from({ length: n }, (_, i) => 'tag' + (i % 3)),
    v: Float64Array.from({ length: n }, (_, i) => i / 8),
    small: Int32Array.from({ length: n }, (_, i) => (i % 50) - 25),
  });
  const props = new pw.WriterPropertiesBuilder()
    .setWriterVersion(pw.WriterVersion.V2).setDictionaryEnabled(false)
    .setCompression(pw.Compression.SNAPPY).setDataPageSizeLimit(256).setWriteBatchSize(16)
    .setColumnEncoding('id', pw.Encoding.DELTA_BINARY_PACKED)
    .setColumnEncoding('name', pw.Encoding.DELTA_BYTE_ARRAY)
    .setColumnEncoding('tag', pw.Encoding.DELTA_LENGTH_BYTE_ARRAY)
    .setColumnEncoding('v', pw.Encoding.BYTE_STREAM_SPLIT)
    .setColumnEncoding('small', pw.Encoding.DELTA_BINARY_PACKED)
    .build();
  fs.writeFileSync(`${out}/arrow-v2-delta-encodings.parquet`,
    pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(t2, 'stream')), props));
}
// Booleans RLE-encoded (data page v2, arrow-rs): b = i % 3 == 0, null when i % 7 == 3.
{
  const n = 100;
  const tb = arrow.tableFromArrays({
    b: Array.from({ length: n }, (_, i) => (i % 7 === 3 ? null : i % 3 === 0)),
  });
  const props = new pw.WriterPropertiesBuilder()
    .setWriterVersion(pw.WriterVersion.V2).setDictionaryEnabled(false)
    .setColumnEncoding('b', pw.Encoding.RLE).setCompression(pw.Compression.UNCOMPRESSED).build();
  fs.writeFileSync(`${out}/arrow-v2-bool-rle.parquet`,
    pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(tb, 'stream')), props));
}
console.log('wrote seeds to', out);
