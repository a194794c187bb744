/**
 * README.md and docs/*.md hold only what works: every relative link resolves to a file a user of
 * the npm package has (anchors included, by GitHub's heading slugs); every shell example that
 * names a routebench command uses a command and flags `--help` lists, and every scenario file it
 * names validates; every TypeScript example importing 'routebench' compiles against src/index.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/cli/io.js';

const root = path.resolve(import.meta.dirname, '../..');
const docs = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');

/** Markdown outside fenced code blocks (links in code are not links). */
const prose = (md: string) => md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '').replace(/`[^`\n]*`/g, '');

/** Fenced code blocks with their info string. */
function codeBlocks(md: string): { lang: string; code: string }[] {
  return [...md.matchAll(/^(```|~~~)([^\n]*)\n([\s\S]*?)^\1[ \t]*$/gm)].map((m) => ({ lang: m[2]!.trim().split(/\s+/)[0]!.toLowerCase(), code: m[3]! }));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(md: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  const text = md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '');
  for (const m of text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const plain = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
    const base = plain.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of md.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) out.add(m[1]!);
  return out;
}

/** Paths a user of the npm package has: package.json "files" plus what npm always packs. */
function packaged(rel: string): boolean {
  const pkg = JSON.parse(read('package.json')) as { files: string[] };
  const top = rel.split('/')[0]!;
  return ['README.md', 'LICENSE', 'package.json'].includes(rel) || pkg.files.some((f) => f.replace(/\/$/, '') === top || f === rel);
}

describe('links in README.md and docs/', () => {
  for (const file of docs)
    it(`${file}: every relative link resolves to a packaged file and heading`, () => {
      const md = read(file);
      const problems: string[] = [];
      for (const m of prose(md).matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)|^\[[^\]]+\]:\s*(\S+)/gm)) {
        const target = (m[1] ?? m[2])!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const [p, anchor] = target.split('#') as [string, string | undefined];
        const rel = p === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURIComponent(p)));
        if (rel.startsWith('..') || /(^|\/)reference\/|shared\//.test(rel)) {
          problems.push(`${target}: outside the package`);
          continue;
        }
        if (!existsSync(path.join(root, rel))) {
          problems.push(`${target}: no such file (${rel})`);
          continue;
        }
        if (!packaged(rel)) problems.push(`${target}: ${rel} is not in the npm package (package.json "files")`);
        if (anchor !== undefined && rel.endsWith('.md') && !anchors(read(rel)).has(anchor)) problems.push(`${target}: no heading #${anchor} in ${rel}`);
      }
      expect(problems).toEqual([]);
    });

  it('no page names a machine path or the unshipped reference notes', () => {
    for (const file of [...docs, 'fixtures/traces/README.md']) {
      const md = read(file);
      expect(md, file).not.toMatch(/\/(?:work|home|Users|tmp)\/[\w.-]+\/|[A-Z]:\\Users\\/);
      expect(md, file).not.toMatch(/\.\.\/shared\/|reference\/(?:limits|gateways|wire-faults|benchmarking|style|log-formats|packages)\.md/);
    }
  });
});

/** Shell words of one command line (quotes kept together, not unescaped further). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

interface Example {
  file: string;
  args: string[];
}

/** Every routebench invocation in the shell examples: `routebench x`, `npx routebench x`, `node bin/routebench.js x`. */
function examples(): Example[] {
  const out: Example[] = [];
  for (const file of docs)
    for (const block of codeBlocks(read(file))) {
      if (!['sh', 'bash', 'shell', 'console', 'yaml', 'yml'].includes(block.lang)) continue;
      const lines = block.code.replace(/\\\n\s*/g, ' ').split('\n');
      for (const raw of lines) {
        const line = raw.replace(/^\s*(?:-\s+run:\s*|run:\s*|\$\s+)/, '').replace(/\s#\s.*$|\s{2,}#.*$/, '');
        for (const segment of line.split(/&&|\|\||;|\|/)) {
          const all = words(segment.trim());
          const w = all.slice(all.findIndex((x) => !/^[A-Z_][A-Z0-9_]*=/.test(x))); // after VAR=value prefixes
          const at = w.findIndex((x, i) => x === 'routebench' && (i === 0 || w[i - 1] === 'npx' || w[i - 1] === '--no-install') || x === 'bin/routebench.js' || x.endsWith('/.bin/routebench'));
          if (at < 0 || (at > 0 && !['npx', '--no-install', 'node'].includes(w[at - 1]!))) continue;
          const args = w.slice(at + 1).filter((x) => !/^[<>]|^\d?>/.test(x));
          const cut = args.findIndex((x) => x === '>' || x === '>>' || x.startsWith('>'));
          out.push({ file, args: cut < 0 ? args : args.slice(0, cut) });
        }
      }
    }
  return out;
}

describe('code examples', () => {
  const all = examples();

  it('name routebench commands, and flags their --help lists', async () => {
    expect(all.length).toBeGreaterThan(10);
    const helps = new Map<string, { code: number; text: string }>();
    const problems: string[] = [];
    for (const ex of all) {
      const first = ex.args[0];
      if (!first || first.startsWith('-')) continue;
      const cmd = first === 'ci' && ex.args[1] && !ex.args[1].startsWith('-') ? ['ci', ex.args[1]] : [first];
      const key = cmd.join(' ');
      if (!helps.has(key)) {
        const io = memoryIo();
        const code = await runCli([...cmd, '--help'], io);
        helps.set(key, { code, text: io.stdout });
      }
      const help = helps.get(key)!;
      if (help.code !== 0 || !help.text.includes(`routebench ${cmd[0]}`)) {
        problems.push(`${ex.file}: routebench ${ex.args.join(' ')}: no command "${key}"`);
        continue;
      }
      for (const arg of ex.args.slice(cmd.length)) {
        const flag = /^--(?:no-)?([a-z][\w-]*)/.exec(arg);
        if (flag && !help.text.includes(`--${flag[1]}`) && !help.text.includes(`--no-${flag[1]}`)) problems.push(`${ex.file}: routebench ${ex.args.join(' ')}: ${key} has no --${flag[1]}`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('name scenario files that validate', async () => {
    const files = new Set<string>();
    for (const ex of all) for (const a of ex.args) if (/\.(ya?ml|json)$/.test(a) && !a.startsWith('-') && existsSync(path.join(root, a)) && statSync(path.join(root, a)).isFile() && a.startsWith('scenarios/')) files.add(a);
    expect(files.size).toBeGreaterThan(0);
    const io = memoryIo();
    const code = await runCli(['validate', ...[...files].map((f) => path.join(root, f))], io);
    expect(code, io.stderr + io.stdout).toBe(0);
  }, 60_000);

  it("TypeScript examples importing 'routebench' compile", () => {
    const snippets = docs.flatMap((file) => codeBlocks(read(file)).filter((b) => ['ts', 'typescript'].includes(b.lang) && /from 'routebench'/.test(b.code)).map((b) => ({ file, code: b.code })));
    expect(snippets.length).toBeGreaterThan(0);
    const dir = path.join(root, 'test-results', 'doc-snippets');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    snippets.forEach((s, i) => writeFileSync(path.join(dir, `snippet-${i}.ts`), `// ${s.file}\n${s.code}\nexport {};\n`));
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '../..', paths: { routebench: ['../../src/index.ts'] } }, include: ['*.ts'] }),
    );
    let output = '';
    try {
      execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { stdio: 'pipe', timeout: 180_000 });
    } catch (e) {
      output = String((e as { stdout?: Buffer }).stdout ?? e);
    }
    expect(output).toBe('');
  }, 200_000);
});
