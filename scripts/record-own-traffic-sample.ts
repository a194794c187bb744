/**
 * Regenerates fixtures/traces/own-traffic-sample.jsonl, the small recording behind
 * scenarios/own-traffic.yaml: an app's calls to two providers, recorded with `routebench record`
 * in real time. The "providers" are routebench's loopback mock server playing last month's
 * behaviour (scripts/own-traffic-providers.yaml: latencies, error rates and a 30 s outage), so the
 * sample can be regenerated anywhere and the calibration's answer is known. Takes about 3 minutes.
 *
 *   node --import tsx scripts/record-own-traffic-sample.ts
 */
import { readdirSync, renameSync, rmSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMocks, planScenario } from '../src/engine/plan-scenario.js';
import { startMockServer } from '../src/providers/mock/mock-http-server.js';
import { MockService } from '../src/providers/mock/mock-service.js';
import { startRecorder } from '../src/record/recorder.js';
import { Rng } from '../src/rng.js';
import { parseScenario } from '../src/scenario/load-scenario.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const providersFile = path.join(root, 'scripts/own-traffic-providers.yaml');
const plan = planScenario(parseScenario(readFileSync(providersFile, 'utf8'), providersFile));
const service = new MockService(plan.targets, () => createMocks(plan), () => performance.now(), { defaultScale: 1 });
const mock = await startMockServer(service, { port: 0 });
const dir = mkdtempSync(path.join(tmpdir(), 'own-traffic-'));
const rec = await startRecorder({
  upstreams: { openai: { name: 'openai', url: `${mock.url}/t/openai` }, anthropic: { name: 'anthropic', url: `${mock.url}/t/anthropic` } },
  host: '127.0.0.1',
  port: 0,
  dir,
  tagHeaders: [{ header: 'x-project', tag: 'project' }],
  now: () => performance.now(),
  wallClock: () => Date.UTC(2026, 10, 16, 14),
});

// The app: a web chat (streamed, gpt-4o-mini) and a batch summariser (claude-3-5-haiku, JSON), Poisson 6 calls/s for 3 minutes.
const rng = new Rng(20261116, 1);
const t0 = performance.now();
let at = 0;
const calls: Promise<unknown>[] = [];
while ((at += rng.exponential(1000 / 6)) < 180_000) {
  const web = rng.next() < 0.65;
  const content = `${web ? 'Answer the customer' : 'Summarise the document'}: ${'lorem ipsum dolor '.repeat(20 + rng.int(web ? 60 : 600))}`;
  const wait = t0 + at - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  const body = web
    ? { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, max_tokens: 60 + rng.int(300), messages: [{ role: 'user', content }] }
    : { model: 'claude-3-5-haiku', max_tokens: 100 + rng.int(400), messages: [{ role: 'user', content }] };
  const headers: Record<string, string> = web
    ? { 'content-type': 'application/json', authorization: 'Bearer sk-app-key', 'x-project': 'web' }
    : { 'content-type': 'application/json', 'x-api-key': 'sk-ant-app-key', 'anthropic-version': '2023-06-01', 'x-project': 'batch' };
  calls.push(fetch(`${rec.url}${web ? '/v1/chat/completions' : '/v1/messages'}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(120_000) }).then((r) => r.text(), () => undefined));
}
await Promise.all(calls);
const summary = await rec.stop(30_000);
await mock.close();
const [file] = readdirSync(dir);
const target = path.join(root, 'fixtures/traces/own-traffic-sample.jsonl');
renameSync(path.join(dir, file!), target);
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${summary.calls} calls (${summary.ok} ok) → ${path.relative(root, target)}\n`);
