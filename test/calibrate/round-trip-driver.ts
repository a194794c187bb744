/**
 * A seeded open-loop load for the calibration round trip: Poisson arrivals, half streamed, both
 * dialects, each call sent at its scheduled real time whether or not earlier ones finished, and
 * read to the end. Bounded: `count` calls, each with a timeout.
 */
import { Rng } from '../../src/rng.js';

export interface DriveOptions {
  url: string;
  /** Calls per real second (both dialects together). */
  ratePerS: number;
  count: number;
  seed: number;
  /** Only Chat Completions calls (default: half of them Anthropic Messages). */
  openaiOnly?: boolean;
}

export async function driveOpenLoop(o: DriveOptions): Promise<{ sent: number; failed: number }> {
  const rng = new Rng(o.seed, 1);
  const t0 = performance.now();
  let at = 0;
  let failed = 0;
  const calls: Promise<void>[] = [];
  for (let i = 0; i < o.count; i++) {
    at += rng.exponential(1000 / o.ratePerS);
    const anthropic = rng.next() < 0.5 && !o.openaiOnly;
    const stream = rng.next() < 0.5;
    const maxTokens = 20 + rng.int(80);
    const words = 20 + rng.int(400);
    const content = `request ${i}: ${'lorem ipsum '.repeat(words)}`;
    const wait = t0 + at - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const body = anthropic
      ? { model: 'claude-3-5-haiku', max_tokens: maxTokens, stream, messages: [{ role: 'user', content }] }
      : { model: 'gpt-4o-mini', max_tokens: maxTokens, stream, ...(stream ? { stream_options: { include_usage: true } } : {}), messages: [{ role: 'user', content }] };
    const path = anthropic ? '/v1/messages' : '/v1/chat/completions';
    const headers: Record<string, string> = anthropic ? { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' } : { 'content-type': 'application/json', authorization: 'Bearer sk-test' };
    calls.push(
      fetch(`${o.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) })
        .then((r) => r.text())
        .then(
          () => undefined,
          () => {
            failed++;
          },
        ),
    );
  }
  await Promise.all(calls);
  return { sent: o.count, failed };
}
