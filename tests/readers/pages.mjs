#!/usr/bin/env node
// pages.mjs: lists the pages of every column chunk of a Parquet file (page headers decoded by
// hyparquet's Thrift reader, independently of sluice), so tests can check page layout: data
// page v1 only, the dictionary page first, several pages when pages are small, PLAIN fallback.
//
//   node pages.mjs FILE
//   node pages.mjs --out DIR FILE...   each file's listing to DIR/<name without .parquet>.pages
//
// One line per column chunk: [row_group,"column",["KIND:ENCODING:num_values",...],"ok"|"error"]
// KIND is DICT (dictionary page), V1 (data page v1), V2 (data page v2) or the page type's name.
// The last field says whether the pages exactly fill the chunk's total_compressed_size and
// their value counts add up to the chunk's num_values.

import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';

function main() {
  const args = process.argv.slice(2);
  let outDir = null;
  if (args[0] === '--out') {
    outDir = args[1];
    args.splice(0, 2);
  }
  if (args.length === 0 || (args.length > 1 && !outDir) || args.some((a) => a.startsWith('-'))) {
    process.stderr.write('usage: node pages.mjs [--out DIR] FILE...\n');
    return 2;
  }
  let status = 0;
  for (const file of args) {
    try {
      const text = listPages(file);
      if (outDir) writeFileSync(join(outDir, basename(file).replace(/\.parquet$/, '') + '.pages'), text);
      else process.stdout.write(text);
    } catch (e) {
      process.stderr.write(`pages.mjs: ${basename(file)}: ${e?.message ?? e}\n`);
      status = 1;
    }
  }
  return status;
}

// The listing of one file, one line per column chunk.
function listPages(file) {
  const buf = readFileSync(file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const meta = parquetMetadata(ab);
  const view = new DataView(ab);
  const out = [];
  meta.row_groups.forEach((rg, rgi) => {
    for (const cc of rg.columns) {
      const md = cc.meta_data;
      const start = Number(md.dictionary_page_offset ?? md.data_page_offset);
      const end = start + Number(md.total_compressed_size);
      const reader = { view, offset: start };
      const pages = [];
      let values = 0;
      let good = true;
      while (reader.offset < end) {
        const h = parquetHeader(reader);
        let kind = h.type;
        let enc = '';
        let n = 0;
        if (h.dictionary_page_header) { kind = 'DICT'; enc = h.dictionary_page_header.encoding; n = h.dictionary_page_header.num_values; }
        else if (h.data_page_header) { kind = 'V1'; enc = h.data_page_header.encoding; n = h.data_page_header.num_values; values += n; }
        else if (h.data_page_header_v2) { kind = 'V2'; enc = h.data_page_header_v2.encoding; n = h.data_page_header_v2.num_values; values += n; }
        pages.push(`${kind}:${enc}:${n}`);
        reader.offset += h.compressed_page_size;
      }
      if (reader.offset !== end || BigInt(values) !== BigInt(md.num_values)) good = false;
      out.push(JSON.stringify([rgi, md.path_in_schema.join('.'), pages, good ? 'ok' : 'error']));
    }
  });
  return out.map((l) => l + '\n').join('');
}

try {
  process.exitCode = main();
} catch (e) {
  process.stderr.write(`pages.mjs: ${e?.message ?? e}\n`);
  process.exitCode = 1;
}
