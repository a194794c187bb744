/**
 * Importers scan a logged prompt (OTel GenAI content attributes in both generations and
 * OpenLLMetry's indexed form, LiteLLM SpendLogs `messages` as JSON and as a CSV cell) with the DLP
 * detectors at import time: the trace gets the names of those that fired (`prompt_dlp`) and none
 * of the text. Records without a prompt get no `prompt_dlp`. Values and kinds are planted here by hand.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeIban, withLuhn } from '../../../src/dlp/planted-values.js';
import { makeTempDir } from '../helpers.js';
import { importRows } from './import-logs.js';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  tmp.cleanup();
});

const CARD = withLuhn('453201511283036');
const IBAN = makeIban('DE', '370400440532013000');
const KEY = `sk-proj-${'Pq7'.repeat(16)}`;
const MAIL = 'ana.lima@example.com';
const SSN = '123-45-6789';
const VALUES = [CARD, IBAN, KEY, MAIL, SSN];

const str = (v: string) => ({ stringValue: v });
const span = (n: number, extra: { key: string; value: unknown }[]) => ({
  traceId: 'ab'.repeat(16),
  spanId: `${n}`.padStart(16, '0'),
  name: 'chat gpt-4o-mini',
  startTimeUnixNano: `${1772359200000 + n * 1000}000000`,
  endTimeUnixNano: `${1772359200500 + n * 1000}000000`,
  attributes: [{ key: 'gen_ai.operation.name', value: str('chat') }, { key: 'gen_ai.provider.name', value: str('openai') }, { key: 'gen_ai.request.model', value: str('gpt-4o-mini') }, ...extra],
});

describe('prompt DLP findings at import', () => {
  it('otel-genai: gen_ai.input.messages (JSON text and structured), system instructions, gen_ai.prompt, gen_ai.prompt.<i>.content, the gen_ai.content.prompt event', async () => {
    const spans = [
      span(1, [
        { key: 'gen_ai.system_instructions', value: str(JSON.stringify([{ type: 'text', content: `escalate to ${MAIL}` }])) },
        { key: 'gen_ai.input.messages', value: str(JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `card ${CARD.replace(/(.{4})(?=.)/g, '$1 ')} please` }] }])) },
      ]),
      span(2, [
        { key: 'gen_ai.prompt.0.role', value: str('system') },
        { key: 'gen_ai.prompt.0.content', value: str('be brief') },
        { key: 'gen_ai.prompt.1.content', value: str(`deploy with ${KEY}`) },
      ]),
      span(3, [{ key: 'gen_ai.prompt', value: str(`SSN ${SSN}`) }]),
      span(4, []),
      span(5, [
        {
          key: 'gen_ai.input.messages',
          value: { arrayValue: { values: [{ kvlistValue: { values: [{ key: 'role', value: str('user') }, { key: 'content', value: str(`refund to ${IBAN}`) }] } }] } },
        },
      ]),
      span(6, [{ key: 'gen_ai.input.messages', value: str('[{"role":"user","parts":[{"type":"text","content":"nothing to see"}]}]') }]),
      // the older conventions: the prompt on a span event
      { ...span(7, []), events: [{ name: 'gen_ai.content.prompt', timeUnixNano: '1772359207000000000', attributes: [{ key: 'gen_ai.prompt', value: str(JSON.stringify([{ role: 'user', content: `mail ${MAIL}` }])) }] }] },
    ];
    const file = tmp.write('spans.jsonl', `${JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] })}\n`);
    const { rows, text } = await importRows(file, 'otel-genai', tmp.path('out.jsonl'));
    expect(rows.map((r) => r.prompt_dlp)).toEqual([{ found: ['email', 'payment_card'] }, { found: ['api_key'] }, { found: ['us_ssn'] }, undefined, { found: ['iban'] }, { found: [] }, { found: ['email'] }]);
    for (const v of VALUES) expect(text).not.toContain(v);
    expect(text).not.toContain('nothing to see');
  });

  it('litellm: messages as JSON and as a CSV cell; `{}` (prompts not stored) gives no prompt_dlp', async () => {
    const base = { startTime: '2026-03-01T10:00:00Z', endTime: '2026-03-01T10:00:01Z', model: 'gpt-4o-mini', status: 'success', prompt_tokens: 10, completion_tokens: 5 };
    const json = tmp.write(
      'spend.json',
      JSON.stringify([
        { ...base, request_id: 'r1', messages: [{ role: 'user', content: `key ${KEY} and ${MAIL}` }] },
        { ...base, request_id: 'r2', startTime: '2026-03-01T10:00:02Z', endTime: '2026-03-01T10:00:03Z', messages: {} },
        { ...base, request_id: 'r3', startTime: '2026-03-01T10:00:04Z', endTime: '2026-03-01T10:00:05Z', messages: [{ role: 'user', content: [{ type: 'text', text: `IBAN ${IBAN}` }] }] },
      ]),
    );
    const a = await importRows(json, 'litellm', tmp.path('a.jsonl'));
    expect(a.rows.map((r) => r.prompt_dlp)).toEqual([{ found: ['api_key', 'email'] }, undefined, { found: ['iban'] }]);
    const cell = (v: unknown) => `"${JSON.stringify(v).replace(/"/g, '""')}"`;
    const csv = tmp.write(
      'spend.csv',
      [
        'request_id,startTime,endTime,model,status,prompt_tokens,completion_tokens,messages',
        `c1,2026-03-01 10:00:00,2026-03-01 10:00:01,gpt-4o-mini,success,10,5,${cell([{ role: 'user', content: `SSN ${SSN}, card ${CARD}` }])}`,
        'c2,2026-03-01 10:00:02,2026-03-01 10:00:03,gpt-4o-mini,success,10,5,{}',
      ].join('\n'),
    );
    const b = await importRows(csv, 'litellm', tmp.path('b.jsonl'));
    expect(b.rows.map((r) => r.prompt_dlp)).toEqual([{ found: ['payment_card', 'us_ssn'] }, undefined]);
    for (const v of VALUES) {
      expect(a.text).not.toContain(v);
      expect(b.text).not.toContain(v);
    }
  });

  it('portkey: the request body of an export with `request` (object or flattened JSON text); a fallback chain keeps its first log\'s', async () => {
    const log = (id: string, trace: string, at: string, ok: boolean, extra: Record<string, unknown>) => ({
      id, trace_id: trace, created_at: at, is_success: ok ? 1 : 0, ai_org: 'openai', ai_model: 'gpt-4o-mini', req_units: 10, res_units: ok ? 5 : 0,
      response_status_code: ok ? 200 : 503, response_time: 100, mode: 'FALLBACK', ...extra,
    });
    const file = tmp.write(
      'portkey.jsonl',
      [
        log('p1', 't1', '2026-03-01T12:00:00.000Z', true, { mode: 'SINGLE', request: { body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `deploy ${KEY}` }] } } }),
        // a fallback chain: both logs carry the client's prompt; one request
        log('p2', 't2', '2026-03-01T12:00:01.000Z', false, { last_used_option_index: 0, 'request.body': JSON.stringify({ messages: [{ role: 'user', content: `SSN ${SSN}` }] }) }),
        log('p3', 't2', '2026-03-01T12:00:01.200Z', true, { last_used_option_index: 1, 'request.body': JSON.stringify({ messages: [{ role: 'user', content: `SSN ${SSN}` }] }) }),
        log('p4', 't4', '2026-03-01T12:00:02.000Z', true, { mode: 'SINGLE' }),
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    const { rows, text } = await importRows(file, 'portkey', tmp.path('p.jsonl'));
    expect(rows.map((r) => [r.id, r.prompt_dlp])).toEqual([['p1', { found: ['api_key'] }], ['p2', { found: ['us_ssn'] }], ['p4', undefined]]);
    for (const v of VALUES) expect(text).not.toContain(v);
  });
});
