/**
 * The `routebench record` command as a process: SIGINT or SIGTERM while calls are open lets them
 * finish, every one is in the trace (nothing lost), the summary is printed, exit 0; bad options
 * are usage errors (exit 2) with a plain message.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveScenario, waitFor, within, type ScenarioServer } from '../helpers/mock-servers.js';

const YAML = `name: record-cli
seed: 5
traffic: { synthetic: { arrival: { process: poisson, rate_per_s: 1 }, count: 1 } }
targets:
  slow: { provider: openai, model: gpt-4o-mini, mock: { profile: perfect, ttft_ms: { p50: 600, p99: 600 }, tokens_per_s: { p50: 200, p99: 200 } } }
strategies:
  s: { use: single, options: { target: slow } }
`;

let mock: ScenarioServer;
let dir: string;
beforeAll(async () => {
  mock = await serveScenario(YAML, { scale: 1 });
  dir = mkdtempSync(join(tmpdir(), 'rb-record-cli-'));
});
afterAll(async () => {
  await mock?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function startCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'record', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const io = { out: '', err: '' };
  child.stdout.on('data', (c: Buffer) => (io.out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (io.err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, io, exited };
}

const call = (url: string, i: number) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', 'x-team': i % 2 ? 'search' : 'chat' },
    body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 20, stream: i % 2 === 1, messages: [{ role: 'user', content: `call ${i}` }] }),
  }).then(async (r) => ({ status: r.status, text: await r.text() }));

describe.each(['SIGINT', 'SIGTERM'] as const)('routebench record stopped by %s', (signal) => {
  it('lets open calls finish, writes every one, prints the summary and exits 0', async () => {
    const out = join(dir, signal);
    const { child, io, exited } = startCli(['--openai', `mock=${mock.url}/t/slow`, '--port', '0', '--out', out, '--tag-header', 'x-team=team']);
    try {
      const url = await waitFor(() => /record on (http:\/\/127\.0\.0\.1:\d+)/.exec(io.out)?.[1], 20_000, `record to start (stderr: ${io.err})`);
      const before = mock.service.hits.since(0).length;
      const calls = Array.from({ length: 12 }, (_, i) => call(url, i));
      await waitFor(() => (mock.service.hits.since(0).length - before >= 12 ? true : undefined), 10_000, 'every call to reach the mock');
      child.kill(signal);
      const answers = await within(Promise.all(calls), 10_000, 'the calls');
      expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
      expect(answers.filter((a) => a.text.includes('[DONE]')).length).toBe(6); // streams delivered whole
      expect(await within(exited, 10_000, 'record to exit')).toBe(0);
      const files = readdirSync(out);
      const rows = files.flatMap((f) => readFileSync(join(out, f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l) as { tags: { team: string }; recorded: { ok: boolean } });
      expect(rows.length).toBe(12);
      expect(rows.every((r) => r.recorded.ok)).toBe(true);
      expect(rows.filter((r) => r.tags.team === 'search').length).toBe(6);
      expect(io.out).toMatch(/recorded 12 calls in [\d.]+ s: 12 ok, 6 streamed/);
      expect(io.out).toMatch(/tag team: (chat 6, search 6|search 6, chat 6)/);
      expect(io.out + io.err).not.toContain('sk-test');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('routebench record stopped by a second Ctrl-C', () => {
  it('cuts the open call at once, still writes its row (client_closed) and the summary, and exits 130', async () => {
    const out = join(dir, 'twice');
    const { child, io, exited } = startCli(['--openai', `mock=${mock.url}/t/slow`, '--port', '0', '--out', out, '--grace', '60']);
    try {
      const url = await waitFor(() => /record on (http:\/\/127\.0\.0\.1:\d+)/.exec(io.out)?.[1], 20_000, `record to start (stderr: ${io.err})`);
      const before = mock.service.hits.since(0).length;
      // 600 ms to the first token, then 2,000 tokens at 200/s: open for ~10 s, far longer than this test waits
      const open = fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 2000, stream: true, messages: [{ role: 'user', content: 'long' }] }) })
        .then((r) => r.text())
        .catch(() => 'cut');
      await waitFor(() => (mock.service.hits.since(0).length > before ? true : undefined), 10_000, 'the call to reach the mock');
      child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 200));
      child.kill('SIGINT');
      expect(await within(exited, 8_000, 'record to exit well before its 60 s grace')).toBe(130);
      await open;
      // the first Ctrl-C says what it waits for (it was silent for up to --grace seconds)
      expect(io.err).toContain('\nCtrl-C: no new calls; waiting up to 60 s for the open call to finish (Ctrl-C again cuts it now)\n');
      expect(io.err).toContain('second Ctrl-C: exiting now; open calls are cut and recorded as cut');
      expect(io.out).toMatch(/recorded 1 call in [\d.]+ s: 0 ok, 1 streamed/);
      const rows = readdirSync(out).flatMap((f) => readFileSync(join(out, f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l) as { recorded: { ok: boolean; client_closed?: boolean } });
      expect(rows.map((r) => [r.recorded.ok, r.recorded.client_closed])).toEqual([[false, true]]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('routebench record when its folder cannot be written', () => {
  it('says so at the first lost row, prints the summary at Ctrl-C and exits 4 naming how many calls were not written', async () => {
    const out = join(dir, 'replaced');
    const { child, io, exited } = startCli(['--openai', `mock=${mock.url}/t/slow`, '--port', '0', '--out', out, '--rotate-mb', '0.000001']);
    try {
      const url = await waitFor(() => /record on (http:\/\/127\.0\.0\.1:\d+)/.exec(io.out)?.[1], 20_000, `record to start (stderr: ${io.err})`);
      expect((await call(url, 0)).status).toBe(200);
      // the first row on disk (rows are written when the call has ended, and flushed within 200 ms)
      await waitFor(() => (existsSync(out) && readdirSync(out).some((f) => readFileSync(join(out, f), 'utf8').length > 0) ? true : undefined), 10_000, 'the first row');
      rmSync(out, { recursive: true });
      writeFileSync(out, 'not a folder\n');
      expect((await call(url, 2)).status).toBe(200);
      await waitFor(() => (io.err.includes('cannot write the trace') ? true : undefined), 10_000, 'the write error');
      child.kill('SIGINT');
      expect(await within(exited, 20_000, 'exit')).toBe(4);
      expect(io.err).toMatch(/error: cannot write the trace in .*(EEXIST|ENOTDIR).*; calls are still relayed; rows that cannot be written are counted/);
      expect(io.out).toMatch(/recorded 2 calls/);
      expect(io.err).toMatch(/error: 1 of 2 recorded calls could not be written to /);
      expect(io.err).not.toMatch(/internal error|this is a bug/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('routebench record --dlp without --store-text', () => {
  it("records the names of the detectors that fired, the policy's custom rules among them, and no text", async () => {
    const out = join(dir, 'dlp-names');
    const policy = join(dir, 'names.yaml');
    // api_key: flag is refused only where text is stored
    writeFileSync(policy, 'detectors:\n  api_key: flag\ncustom:\n  - { name: ticket, pattern: "TCK-\\\\d{6}", action: redact }\n');
    const { child, io, exited } = startCli(['--openai', `mock=${mock.url}/t/slow`, '--port', '0', '--out', out, '--dlp', policy]);
    try {
      const url = await waitFor(() => /record on (http:\/\/127\.0\.0\.1:\d+)/.exec(io.out)?.[1], 20_000, `record to start (stderr: ${io.err})`);
      const r = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'ticket TCK-123456 for ana.lima@example.com' }] }) });
      expect(r.status).toBe(200);
      await r.text();
      child.kill('SIGINT');
      expect(await within(exited, 10_000, 'record to exit')).toBe(0);
      const text = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')).join('');
      const rows = text.trim().split('\n').map((l) => JSON.parse(l) as { prompt?: string; prompt_dlp?: unknown });
      expect(rows.map((x) => [x.prompt, x.prompt_dlp])).toEqual([[undefined, { found: ['email', 'ticket'] }]]);
      expect(text).not.toContain('TCK-123456');
      expect(text).not.toContain('ana.lima');
      expect(io.out).toContain('hash and lengths only');
      expect(io.out).toContain('  DLP detectors fired on: email 1, ticket 1 (prompt_dlp: names only)');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('routebench record usage errors', () => {
  it.each([
    [[], /record needs an upstream/],
    [['--openai', 'not a url'], /--openai "not a url" is not an http\(s\) URL/],
    [['--openai', 'http://127.0.0.1:1', '--host', '0.0.0.0'], /--host 0\.0\.0\.0 is not a loopback address/],
    [['--openai', 'http://127.0.0.1:1', '--dlp', 'no-such-policy.yaml'], /--dlp no-such-policy\.yaml: ENOENT/],
    [['--openai', 'http://127.0.0.1:1', '--port', '0', '--tag-header', '=team'], /--tag-header "=team" must be header\[=tag\]/],
    [['--openai', 'http://127.0.0.1:1', '--port', '0', '--tag-header', 'x-team='], /--tag-header "x-team=" must be header\[=tag\]/],
    [['--openai', 'http://127.0.0.1:1', '--port', '0', '--tag-header', 'x team=team'], /--tag-header "x team=team" must be header\[=tag\]/],
  ])('%j exits 2', async (args, message) => {
    const { io, exited } = startCli(args as string[]);
    expect(await within(exited, 20_000, 'exit')).toBe(2);
    expect(io.err).toMatch(message);
  });

  it('refuses a policy that would write credentials to the trace', async () => {
    const policy = join(dir, 'leaky.yaml');
    writeFileSync(policy, 'detectors:\n  api_key: flag\n');
    const { io, exited } = startCli(['--openai', 'http://127.0.0.1:1', '--store-text', '--dlp', policy, '--port', '0']);
    expect(await within(exited, 20_000, 'exit')).toBe(2);
    expect(io.err).toContain(`${policy}:2:12  detectors.api_key  is flag, which would write credentials to the trace`);
  });

  it.each([
    ['custom:\n  - { name: ok, pattern: "TCK-\\\\d+", action: redact }\n  - { name: bad, pattern: "(abc", action: redact }\n', ':3:27  custom[1].pattern  custom rule "bad": Invalid regular expression: /(abc/: Unterminated group'],
    ['custom:\n  - { name: evil, pattern: "(a+)+$", action: redact }\n', ':2:28  custom[0].pattern  custom rule "evil": a repeated group contains an unbounded repetition'],
    ['detectors:\n  emails: flag\n', ':2:11  detectors.emails  unknown detector "emails"'],
  ])('a policy rule that cannot be compiled is refused at file:line with its field path (%#)', async (text, where) => {
    const policy = join(dir, 'bad-rule.yaml');
    writeFileSync(policy, text);
    const { io, exited } = startCli(['--openai', 'http://127.0.0.1:1', '--store-text', '--dlp', policy, '--port', '0']);
    expect(await within(exited, 20_000, 'exit')).toBe(2);
    expect(io.err).toContain(`${policy}${where}`);
  });

  it('an --out that is a file is the environment (exit 4, a plain message), not an internal error; the file is unchanged', async () => {
    const file = join(dir, 'not-a-folder.txt');
    writeFileSync(file, 'my notes\n');
    const { io, exited } = startCli(['--openai', 'http://127.0.0.1:1', '--port', '0', '--out', file]);
    expect(await within(exited, 20_000, 'exit')).toBe(4);
    expect(io.err).toContain(`${file}: is a file, not a folder`);
    expect(io.err).not.toMatch(/internal error|this is a bug/);
    expect(readFileSync(file, 'utf8')).toBe('my notes\n');
  });
});
