/**
 * The incremental SSE parser against a second implementation of the same rules that reads the
 * whole body at once (WHATWG event-stream: lines end in LF, CRLF or CR; `:` comments; one space
 * after the colon dropped; data lines joined with LF; a blank line dispatches; at the end, complete
 * lines waiting for their blank line dispatch and a cut last line is dropped), on seeded random
 * bodies pushed in random slices (a CRLF split between two pushes included).
 */
import { describe, expect, it } from 'vitest';
import { SseParser, type SseMessage } from '../../../src/providers/dialects/sse.js';
import { Rng } from '../../../src/rng.js';

function reference(body: string): SseMessage[] {
  const text = body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  const lines = text.split(/\r\n|\r|\n/);
  const unfinished = lines.pop()!; // what follows the last line end
  const out: SseMessage[] = [];
  let event = '';
  let data: string[] = [];
  const dispatch = () => {
    if (data.length > 0) out.push({ event, data: data.join('\n') });
    event = '';
    data = [];
  };
  for (const line of lines) {
    if (line === '') dispatch();
    else if (line.startsWith(':')) continue;
    else {
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') data.push(value);
      else if (field === 'event') event = value;
    }
  }
  if (unfinished === '') dispatch();
  return out;
}

const PIECES = ['data: {"a":1}', 'data:x', 'data:  two spaces', 'event: ping', 'event:', ': keep-alive', 'id: 7', 'retry: 10', 'data', 'data: é😀', '', ''];
const ENDS = ['\n', '\r\n', '\r'];

describe('SseParser against a whole-body reference', () => {
  it('gives the same messages for 2,000 random bodies pushed in random slices', () => {
    const rng = new Rng(20261207);
    const rand = () => rng.next();
    const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
    for (let n = 0; n < 2000; n++) {
      let body = rand() < 0.1 ? '\uFEFF' : '';
      const lines = 1 + Math.floor(rand() * 12);
      for (let i = 0; i < lines; i++) body += pick(PIECES) + pick(ENDS);
      if (rand() < 0.3) body += pick(PIECES); // a cut last line, or none
      const p = new SseParser();
      const got: SseMessage[] = [];
      for (let at = 0; at < body.length; ) {
        const len = 1 + Math.floor(rand() * 9);
        got.push(...p.push(body.slice(at, at + len)));
        at += len;
      }
      got.push(...p.end());
      expect(got, JSON.stringify(body)).toEqual(reference(body));
    }
  });
});
