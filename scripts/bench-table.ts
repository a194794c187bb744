/**
 * `npm run bench:table -- <report.json> [--allow-partial]`: regenerates the performance table in
 * docs/performance.md from one bench report (bench/table.ts builds it; only the text between the
 * markers changes). A report from a partial or tiny run is refused unless --allow-partial.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchTable, replaceTable } from '../bench/table.js';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  process.stderr.write('usage: npm run bench:table -- <bench/results/….json> [--allow-partial]\n');
  process.exit(2);
}
const report = JSON.parse(readFileSync(file, 'utf8')) as { full?: boolean; tiny?: boolean };
if (!report.full && !args.includes('--allow-partial')) {
  process.stderr.write(`${file} is not from one full \`npm run bench\` (${report.tiny ? 'tiny sizes' : 'some cases only'}); the table states full runs only (--allow-partial to override)\n`);
  process.exit(2);
}
const doc = path.join(fileURLToPath(new URL('..', import.meta.url)), 'docs/performance.md');
writeFileSync(doc, replaceTable(readFileSync(doc, 'utf8'), benchTable(report)));
process.stdout.write(`updated ${path.relative(process.cwd(), doc)} from ${file}\n`);
