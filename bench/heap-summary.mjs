#!/usr/bin/env node
// Summarises a V8 heap snapshot (.heapsnapshot, e.g. from `scheduler.mjs --heap-snapshot`) by
// what holds the bytes: self size and count per node type and constructor, and for plain objects
// per shape (their first property names) and strings by kind, so "200 MB of Object" becomes "10 000 vote maps".
//   node bench/heap-summary.mjs <file.heapsnapshot> [--top 40]
// The file is scanned as bytes rather than JSON.parse'd whole: a 200 MB heap writes a snapshot
// near V8's maximum string length.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "40" } },
});
if (positionals.length !== 1) {
  console.error("usage: node bench/heap-summary.mjs <file.heapsnapshot> [--top 40]");
  process.exit(2);
}
const TOP = Number(args.top);
const buf = readFileSync(positionals[0]);

/** The byte offset just after `"key":` (the snapshot writes each top-level section once). */
function sectionStart(key) {
  const at = buf.indexOf(`"${key}":`);
  if (at < 0) throw new Error(`no "${key}" section in the snapshot`);
  return at + key.length + 3;
}

/** Reads a JSON array of non-negative integers starting at `from` (at or before its "["). */
function readInts(from, count) {
  const out = new Uint32Array(count);
  let i = buf.indexOf(0x5b, from) + 1; // "["
  let n = 0;
  let v = -1;
  for (; n < count; i++) {
    const c = buf[i];
    if (c >= 0x30 && c <= 0x39) v = (v < 0 ? 0 : v * 10) + (c - 0x30);
    else if (v >= 0) {
      out[n++] = v;
      v = -1;
      if (c === 0x5d) break; // "]"
    } else if (c === 0x5d) break;
  }
  return out;
}

/** Reads the "strings" array: a JSON array of strings, parsed one at a time. */
function readStrings() {
  const from = buf.indexOf(0x5b, sectionStart("strings"));
  const text = buf.subarray(from).toString("utf8");
  const out = [];
  let i = 1;
  while (i < text.length) {
    while (text[i] === "," || text[i] === "\n" || text[i] === " ") i++;
    if (text[i] === "]") break;
    let j = i + 1;
    while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
    out.push(JSON.parse(text.slice(i, j + 1)));
    i = j + 1;
  }
  return out;
}

const metaEnd = buf.indexOf('"nodes":');
const meta = JSON.parse(
  `{${buf.subarray(buf.indexOf('"snapshot":'), buf.lastIndexOf("}", metaEnd) + 1).toString("utf8")}}`,
).snapshot;
const nf = meta.meta.node_fields;
const ef = meta.meta.edge_fields;
const nodeTypes = meta.meta.node_types[0];
const edgeTypes = meta.meta.edge_types[0];
const N = nf.length;
const E = ef.length;
const nodes = readInts(sectionStart("nodes"), meta.node_count * N);
const edges = readInts(sectionStart("edges"), meta.edge_count * E);
const strings = readStrings();

const [TYPE, NAME, SIZE, EDGES] = ["type", "name", "self_size", "edge_count"].map((f) => nf.indexOf(f));
const [ETYPE, ENAME, ETO] = ["type", "name_or_index", "to_node"].map((f) => ef.indexOf(f));
const PROPERTY = edgeTypes.indexOf("property");

const byCtor = new Map();
const byShape = new Map();
const byString = new Map();
let total = 0;
let edgeAt = 0;
for (let n = 0; n < nodes.length; n += N) {
  const type = nodeTypes[nodes[n + TYPE]];
  const size = nodes[n + SIZE];
  const edgeCount = nodes[n + EDGES];
  total += size;
  const name =
    type === "object" || type === "closure" || type === "native"
      ? strings[nodes[n + NAME]]
      : type === "hidden"
        ? strings[nodes[n + NAME]].slice(0, 40)
        : "";
  const key = `${type} ${name}`;
  const c = byCtor.get(key) ?? { count: 0, size: 0 };
  c.count++;
  c.size += size;
  byCtor.set(key, c);
  if (type === "string") {
    // Strings alike up to their digits are one kind: 10 000 timestamps, not 10 000 rows.
    const kind = strings[nodes[n + NAME]].slice(0, 60).replace(/\d+/g, "#");
    const s = byString.get(kind) ?? { count: 0, size: 0 };
    s.count++;
    s.size += size;
    byString.set(kind, s);
  }
  if (type === "object" && name === "Object") {
    const props = [];
    for (let e = edgeAt; e < edgeAt + edgeCount * E && props.length < 6; e += E) {
      if (edges[e + ETYPE] === PROPERTY) props.push(strings[edges[e + ENAME]]);
    }
    const shape = `{${props.join(",")}}`;
    const s = byShape.get(shape) ?? { count: 0, size: 0 };
    s.count++;
    s.size += size;
    byShape.set(shape, s);
  }
  edgeAt += edgeCount * E;
}
void ETO;

const mb = (b) => (b / 1e6).toFixed(1).padStart(7);
const table = (title, map) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...map].sort((a, b) => b[1].size - a[1].size).slice(0, TOP)) {
    console.log(`${mb(v.size)} MB ${String(v.count).padStart(9)}  ${k}`);
  }
};
console.log(`${positionals[0]}: ${meta.node_count} nodes, ${meta.edge_count} edges, ${mb(total)} MB self size in all`);
table("by type and constructor (self size)", byCtor);
table("plain objects by shape (first properties)", byShape);
table("strings by kind (digits folded)", byString);
