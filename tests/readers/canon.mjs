// canon.mjs: the canonical text form of Parquet rows that read.mjs prints and that
// tests/tools/pq_testfiles writes as the expected output. Both sides must agree byte for byte,
// so the rules are exact:
//
//   null                     null
//   boolean                  true / false
//   int32, int64             decimal string, e.g. "-2147483648" (strings: no precision loss)
//   double                   string holding ECMAScript Number::toString of the value (the
//                            shortest digits that round-trip; "1e+308", "5e-324", "0.1"), except
//                            "NaN", "Infinity", "-Infinity", and "-0" for negative zero
//   string                   JSON string as JSON.stringify writes it (escapes only ", \, and
//                            control characters below U+0020: \b \f \n \r \t, else \u00xx)
//   binary                   lowercase hex string
//   timestamp_us_utc,        microseconds since the epoch as a decimal string; a nanosecond
//   timestamp_naive          value that is not a whole number of microseconds is "<ns>ns"
//   date                     days since the epoch as a decimal string
//
// A row is a JSON array of its cells with no spaces: ["1",null,"abc"]. The first line is
// {"columns":[["name","type"],...]}.

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

export function canonDouble(x) {
  if (Number.isNaN(x)) return '"NaN"';
  if (x === Infinity) return '"Infinity"';
  if (x === -Infinity) return '"-Infinity"';
  if (x === 0 && 1 / x < 0) return '"-0"';
  return '"' + String(x) + '"';
}

function bad(type, v) {
  const what = v === null ? 'null' : typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v;
  return new Error(`a ${type} column produced a ${what} value (${String(v).slice(0, 40)})`);
}

function micros(type, v) {
  if (v && typeof v === 'object') {
    if (typeof v.us === 'bigint') return '"' + v.us + '"';
    if (typeof v.ns === 'bigint') {
      return v.ns % 1000n === 0n ? '"' + v.ns / 1000n + '"' : '"' + v.ns + 'ns"';
    }
  }
  throw bad(type, v);
}

// formatCell(type, value): one cell's canonical JSON text. `value` is reader-neutral: null or
// undefined, boolean, number, bigint, string, Uint8Array, {us}, {ns} or {days}. A value whose
// JavaScript type does not fit the column type throws (the reader disagrees with the schema).
export function formatCell(type, v) {
  if (v === null || v === undefined) return 'null';
  switch (type) {
    case 'boolean':
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      break;
    case 'int32':
      if (typeof v === 'number' && Number.isInteger(v)) return '"' + v + '"';
      break;
    case 'int64':
      if (typeof v === 'bigint') return '"' + v + '"';
      if (typeof v === 'number' && Number.isSafeInteger(v)) return '"' + v + '"';
      break;
    case 'double':
      if (typeof v === 'number') return canonDouble(v);
      break;
    case 'string':
      if (typeof v === 'string') return JSON.stringify(v);
      break;
    case 'binary':
      if (v instanceof Uint8Array) return '"' + hex(v) + '"';
      break;
    case 'timestamp_us_utc':
    case 'timestamp_naive':
      return micros(type, v);
    case 'date':
      if (typeof v === 'object' && typeof v.days === 'number') return '"' + v.days + '"';
      break;
    default:
      return JSON.stringify(typeof v === 'bigint' ? String(v) : String(v));
  }
  throw bad(type, v);
}

export function schemaLine(names, types) {
  return JSON.stringify({ columns: names.map((n, i) => [n, types[i]]) });
}

// Buffers lines and writes them to a stream in large pieces, waiting for 'drain' when the
// stream asks. line() is synchronous; call end() (await it) at the end.
export class LineWriter {
  constructor(stream, flushAt = 1 << 20) {
    this.stream = stream;
    this.parts = [];
    this.size = 0;
    this.flushAt = flushAt;
    this.pending = null;
  }

  line(s) {
    this.parts.push(s, '\n');
    this.size += s.length + 1;
    if (this.size >= this.flushAt) this.flush();
  }

  flush() {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(text) && !this.pending) {
      this.pending = new Promise((resolve) => this.stream.once('drain', () => {
        this.pending = null;
        resolve();
      }));
    }
  }

  // Lets a producer wait for the stream to drain between batches.
  async ready() {
    if (this.pending) await this.pending;
  }

  async end() {
    this.flush();
    if (this.pending) await this.pending;
    await new Promise((resolve, reject) => this.stream.write('', (err) => (err ? reject(err) : resolve())));
  }
}
