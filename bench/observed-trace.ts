/** A generated trace of observed calls (the shape `routebench record` writes), for calibrate benches. */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Rng } from '../src/rng.js';

export function writeObservedTrace(file: string, rows: number): void {
  const rng = new Rng(42, 1);
  const fd = openSync(file, 'w');
  let t = 0;
  let text = '';
  for (let i = 0; i < rows; i++) {
    t += rng.exponential(50);
    const target = rng.next() < 0.5 ? 'a' : 'b';
    const ok = rng.next() > 0.02;
    const ttft = 400 * Math.exp(0.6 * rng.normal());
    const recorded = ok ? { ok, status: 200, latency_ms: ttft + 1500, ttft_ms: ttft, target } : { ok, status: 500, error_kind: 'server_error', latency_ms: 300, target };
    text += `${JSON.stringify({ arrival_ms: +t.toFixed(3), route: 'gpt-4o-mini', input_tokens: 100 + rng.int(2000), output_tokens: ok ? 20 + rng.int(300) : 0, cached_tokens: 0, stream: true, dialect: 'openai', recorded })}\n`;
    if (text.length > 1 << 20) {
      writeSync(fd, text);
      text = '';
    }
  }
  writeSync(fd, text);
  closeSync(fd);
}
