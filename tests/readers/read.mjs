#!/usr/bin/env node
// read.mjs: prints a Parquet file's schema and rows as canonical JSON lines, through one of
// three independent Parquet implementations, so their outputs can be compared byte for byte
// with each other and with the expected output that tests/tools/pq_testfiles writes.
//
//   node read.mjs --reader duckdb|arrow|hyparquet [--schema-only] FILE
//   node read.mjs --reader R [--schema-only] --out DIR FILE...
//
// The second form reads many files in one process (starting DuckDB or compiling the arrow-rs
// WebAssembly takes seconds) and writes DIR/<file name without .parquet>.<reader> for each;
// a file that fails gets DIR/<name>.<reader>.err instead, and the others are still read.
//
// Readers: duckdb (DuckDB's C++ reader via @duckdb/node-api), arrow (arrow-rs compiled to
// WebAssembly via parquet-wasm; its Arrow IPC output decoded with apache-arrow), hyparquet
// (pure JavaScript, with hyparquet-compressors for snappy/gzip/zstd).
//
// Canonical format (see canon.mjs for the value rules):
//   line 1:  {"columns":[["name","type"],...]}   type is the reader's own view of the column,
//            normalised to boolean|int32|int64|double|string|binary|timestamp_us_utc|date,
//            timestamp_naive (a timestamp without time zone, e.g. legacy INT96), or
//            "other:<reader's name>" for anything else (which never matches an expectation).
//   then one JSON array per row, values in column order.
// Rows are streamed: memory is bounded by about one row group (arrow, hyparquet) or one
// DuckDB chunk, whatever the file's size. Exit status 0 on success, 1 on a read error
// (message on stderr, and in the .err file with --out), 2 on a usage error.

import { createWriteStream, openAsBlob, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createRequire } from 'node:module';
import { LineWriter, formatCell, schemaLine } from './canon.mjs';

// JavaScript's default TextDecoder drops a leading U+FEFF (byte order mark) from every string it
// decodes. That is the JS binding's choice, not the Parquet reader's, and it would hide a BOM
// the file really holds, so all three readers decode UTF-8 with ignoreBOM (keep it).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

const USAGE = 'usage: node read.mjs --reader duckdb|arrow|hyparquet [--schema-only] [--out DIR] FILE...';

function parseArgs(argv) {
  const opts = { reader: null, schemaOnly: false, out: null, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--reader') opts.reader = argv[++i];
    else if (a.startsWith('--reader=')) opts.reader = a.slice(9);
    else if (a === '--schema-only') opts.schemaOnly = true;
    else if (a === '--out') opts.out = argv[++i];
    else if (a === '--help' || a === '-h') { process.stdout.write(USAGE + '\n'); process.exit(0); }
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else opts.files.push(a);
  }
  if (!['duckdb', 'arrow', 'hyparquet'].includes(opts.reader)) {
    throw new UsageError(`--reader must be duckdb, arrow or hyparquet (got ${opts.reader ?? 'none'})`);
  }
  if (opts.files.length === 0) throw new UsageError('no FILE given');
  if (opts.files.length > 1 && !opts.out) throw new UsageError('several FILEs need --out DIR');
  if (opts.out === undefined) throw new UsageError('--out wants a folder');
  return opts;
}

class UsageError extends Error {}

// ---------------------------------------------------------------- DuckDB
async function readDuckdb(file, out, schemaOnly) {
  const { DuckDBInstance, DuckDBTypeId } = await import('@duckdb/node-api');
  // @duckdb/node-api decodes VARCHAR through this module's exported decoder (looked up per call).
  const require = createRequire(import.meta.url);
  const accessors = require('@duckdb/node-api/lib/vectors/dataAccessors.js');
  if (!(accessors.textDecoder instanceof TextDecoder)) throw new Error('@duckdb/node-api internals changed: no textDecoder');
  accessors.textDecoder = utf8;
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  try {
    // One thread keeps the row order the file's order and the memory small.
    await conn.run('SET threads = 1');
    await conn.run('SET preserve_insertion_order = true');
    const lit = "'" + file.replaceAll("'", "''") + "'";
    const result = await conn.stream(`SELECT * FROM read_parquet(${lit}, binary_as_string = false)`);
    const names = result.columnNames();
    const types = result.columnTypes().map((t) => duckdbType(t, DuckDBTypeId));
    out.line(schemaLine(names, types));
    if (schemaOnly) return;
    const ncols = names.length;
    const cells = new Array(ncols);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const cols = [];
      for (let c = 0; c < ncols; c++) cols.push(chunk.getColumnVector(c));
      const n = chunk.rowCount;
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < ncols; c++) cells[c] = formatCell(types[c], duckdbValue(cols[c].getItem(r)));
        out.line('[' + cells.join(',') + ']');
      }
      await out.ready();
    }
  } finally {
    conn.closeSync?.();
    inst.closeSync?.();
  }
}

function duckdbType(t, Id) {
  switch (t.typeId) {
    case Id.BOOLEAN: return 'boolean';
    case Id.INTEGER: return 'int32';
    case Id.BIGINT: return 'int64';
    case Id.DOUBLE: return 'double';
    case Id.VARCHAR: return 'string';
    case Id.BLOB: return 'binary';
    case Id.TIMESTAMP_TZ: return 'timestamp_us_utc';
    case Id.DATE: return 'date';
    case Id.TIMESTAMP: case Id.TIMESTAMP_NS: case Id.TIMESTAMP_MS: case Id.TIMESTAMP_S:
      return 'timestamp_naive';
    default: return 'other:' + t.toString();
  }
}

// Turns a DuckDB value into the reader-neutral form formatCell takes: null, boolean, number,
// bigint, string, Uint8Array, or {us: bigint} / {days: number} for timestamps and dates.
function duckdbValue(v) {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object') return v;
  if ('micros' in v) return { us: BigInt(v.micros) };
  if ('nanos' in v) return { ns: BigInt(v.nanos) };
  if ('millis' in v) return { us: BigInt(v.millis) * 1000n };
  if ('seconds' in v) return { us: BigInt(v.seconds) * 1000000n };
  if ('days' in v) return { days: Number(v.days) };
  if ('bytes' in v) return v.bytes;
  throw new Error('unexpected DuckDB value ' + String(v));
}

// ---------------------------------------------------------------- arrow-rs (parquet-wasm)
async function readArrow(file, out, schemaOnly) {
  const pw = await import('parquet-wasm');
  const arrow = await import('apache-arrow');
  // A file-backed Blob: parquet-wasm's async reader fetches only the byte ranges it needs.
  const pfile = await pw.ParquetFile.fromFile(await openAsBlob(file));
  try {
    const schema = arrow.tableFromIPC(pfile.schema().intoIPCStream()).schema;
    const names = schema.fields.map((f) => f.name);
    const types = schema.fields.map((f) => arrowType(f.type, arrow));
    out.line(schemaLine(names, types));
    if (schemaOnly) return;
    const stream = await pfile.stream({ batchSize: 65536, concurrency: 1 });
    for await (const batch of stream) {
      emitArrowTable(arrow.tableFromIPC(batch.intoIPCStream()), types, out);
      await out.ready();
    }
  } finally {
    pfile.free();
  }
}

function arrowType(t, arrow) {
  const { Type, Precision, TimeUnit, DateUnit } = arrow;
  switch (t.typeId) {
    case Type.Bool: return 'boolean';
    case Type.Int:
      if (t.isSigned && t.bitWidth === 32) return 'int32';
      if (t.isSigned && t.bitWidth === 64) return 'int64';
      break;
    case Type.Float:
      if (t.precision === Precision.DOUBLE) return 'double';
      break;
    case Type.Utf8: case Type.LargeUtf8: return 'string';
    case Type.Binary: case Type.LargeBinary: return 'binary';
    case Type.Timestamp: {
      if (t.timezone === null || t.timezone === undefined || t.timezone === '') return 'timestamp_naive';
      const utc = ['UTC', '+00:00', 'Etc/UTC', 'Z', '+0000'].includes(t.timezone);
      if (utc && t.unit === TimeUnit.MICROSECOND) return 'timestamp_us_utc';
      break;
    }
    case Type.Date:
      if (t.unit === DateUnit.DAY) return 'date';
      break;
    default: break;
  }
  return 'other:' + String(t);
}

// Emits the rows of an apache-arrow Table. Int64, timestamps and dates are read from the raw
// value arrays: apache-arrow's get() turns timestamps into milliseconds and loses precision.
function emitArrowTable(t, types, out) {
  const ncols = types.length;
  const n = t.numRows;
  const getters = [];
  for (let c = 0; c < ncols; c++) getters.push(arrowGetter(t.getChildAt(c), types[c]));
  const cells = new Array(ncols);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < ncols; c++) cells[c] = formatCell(types[c], getters[c](r));
    out.line('[' + cells.join(',') + ']');
  }
}

// Returns row -> reader-neutral value for one column vector (which may have several chunks).
function arrowGetter(vec, type) {
  const chunks = vec.data;
  const starts = [];
  let acc = 0;
  for (const d of chunks) { starts.push(acc); acc += d.length; }
  const locate = (r) => {
    let k = chunks.length - 1;
    while (k > 0 && starts[k] > r) k--;
    return [chunks[k], r - starts[k]];
  };
  const valid = (d, i) => {
    if (!d.nullBitmap || d.nullCount === 0) return true;
    const j = d.offset + i;
    return ((d.nullBitmap[j >> 3] >> (j & 7)) & 1) === 1;
  };
  const unit = vec.type.unit;
  return (r) => {
    const [d, i] = locate(r);
    if (!valid(d, i)) return null;
    if (type === 'int64') return BigInt(d.values[d.offset + i]);
    if (type === 'timestamp_us_utc' || type === 'timestamp_naive') {
      const raw = BigInt(d.values[d.offset + i]);
      // apache-arrow TimeUnit: SECOND 0, MILLISECOND 1, MICROSECOND 2, NANOSECOND 3
      if (unit === 3) return { ns: raw };
      if (unit === 2) return { us: raw };
      if (unit === 1) return { us: raw * 1000n };
      return { us: raw * 1000000n };
    }
    if (type === 'date') return { days: d.values[d.offset + i] };
    if (type === 'string') {
      const j = d.offset + i;
      const off = d.valueOffsets;
      return utf8.decode(d.values.subarray(Number(off[j]), Number(off[j + 1])));
    }
    return vec.get(r);
  };
}

// ---------------------------------------------------------------- hyparquet
async function readHyparquet(file, out, schemaOnly) {
  const hp = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const asyncBuf = await hp.asyncBufferFromFile(file);
  const metadata = await hp.parquetMetadataAsync(asyncBuf);
  const leaves = metadata.schema.slice(1);
  for (const el of leaves) {
    if (el.num_children) throw new Error(`column ${el.name}: nested columns are not supported here`);
  }
  const names = leaves.map((el) => el.name);
  const types = leaves.map(hyparquetType);
  out.line(schemaLine(names, types));
  if (schemaOnly) return;
  // Parsers return reader-neutral values instead of Date objects (which lose microseconds).
  const parsers = {
    timestampFromMilliseconds: (v) => ({ us: BigInt(v) * 1000n }),
    timestampFromMicroseconds: (v) => ({ us: BigInt(v) }),
    timestampFromNanoseconds: (v) => ({ ns: BigInt(v) }),
    dateFromDays: (v) => ({ days: Number(v) }),
    stringFromBytes: (b) => (b === undefined || b === null ? b : utf8.decode(b)),
  };
  const ncols = names.length;
  const cells = new Array(ncols);
  let rowStart = 0;
  for (const rg of metadata.row_groups) {
    const rowEnd = rowStart + Number(rg.num_rows);
    if (rowEnd > rowStart) {
      await hp.parquetRead({
        file: asyncBuf, metadata, compressors, parsers, utf8: false, rowStart, rowEnd,
        onComplete: (rows) => {
          for (const row of rows) {
            for (let c = 0; c < ncols; c++) cells[c] = formatCell(types[c], row[c]);
            out.line('[' + cells.join(',') + ']');
          }
        },
      });
      await out.ready();
    }
    rowStart = rowEnd;
  }
}

function hyparquetType(el) {
  const lt = el.logical_type;
  const ct = el.converted_type;
  switch (el.type) {
    case 'BOOLEAN': return 'boolean';
    case 'INT32':
      if (lt?.type === 'DATE' || ct === 'DATE') return 'date';
      if (!ct && (!lt || (lt.type === 'INTEGER' && lt.bitWidth === 32 && lt.isSigned))) return 'int32';
      if (ct === 'INT_32') return 'int32';
      break;
    case 'INT64':
      if (lt?.type === 'TIMESTAMP') {
        if (!lt.isAdjustedToUTC) return 'timestamp_naive';
        if (lt.unit === 'MICROS') return 'timestamp_us_utc';
        break;
      }
      if (ct === 'TIMESTAMP_MICROS') return 'timestamp_us_utc';
      if (!ct && (!lt || (lt.type === 'INTEGER' && lt.bitWidth === 64 && lt.isSigned))) return 'int64';
      if (ct === 'INT_64') return 'int64';
      break;
    case 'INT96': return 'timestamp_naive';
    case 'DOUBLE': return 'double';
    case 'BYTE_ARRAY':
      if (lt?.type === 'STRING' || ct === 'UTF8') return 'string';
      if (!lt && !ct) return 'binary';
      break;
    default: break;
  }
  return 'other:' + [el.type, ct, lt?.type].filter(Boolean).join('/');
}

// ---------------------------------------------------------------- main
async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`read.mjs: ${e.message}\n${USAGE}\n`);
      process.exit(2);
    }
    throw e;
  }
  const read = { arrow: readArrow, duckdb: readDuckdb, hyparquet: readHyparquet }[opts.reader];
  let failed = false;
  for (const file of opts.files) {
    const name = basename(file).replace(/\.parquet$/, '');
    const stream = opts.out ? createWriteStream(join(opts.out, `${name}.${opts.reader}`)) : process.stdout;
    const out = new LineWriter(stream);
    try {
      await read(file, out, opts.schemaOnly);
      await out.end();
      if (opts.out) await new Promise((resolve, reject) => stream.end((e) => (e ? reject(e) : resolve())));
    } catch (e) {
      const msg = `read.mjs: ${opts.reader}: ${basename(file)}: ${e?.message ?? e}\n`;
      process.stderr.write(msg);
      if (opts.out) {
        stream.destroy();
        writeFileSync(join(opts.out, `${name}.${opts.reader}.err`), msg);
      }
      failed = true;
    }
  }
  process.exitCode = failed ? 1 : 0;
}

main();
