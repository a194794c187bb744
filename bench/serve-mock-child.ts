/**
 * Child process for the serve-vs-proxy benchmark: an instant, wire-faithful OpenAI mock on
 * 127.0.0.1. Every POST gets the OpenAI dialect's own `chat.completion` (built once by the server
 * half routebench's mocks use), at once: no timer, no sampling, so the arms compare the gateway's
 * cost and nothing else (routebench's scenario mock paces answers with timers, ≥ 1 ms each). A
 * `"stream":true` request gets the role chunk and the first content chunk at once, the rest 1 ms
 * later (so time to first token is the path's own latency). Prints `{"url": ...}` when listening.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dialects } from '../src/providers/dialects/index.js';

const reply = { id: 'chatcmpl-bench', model: 'gpt-4o-mini', inputTokens: 12, cachedTokens: 0, outputTokens: 16, ttftMs: 0, tokensPerMs: 1000, finishReason: 'stop' as const };
const json = dialects.openai.encodeResponse(reply);
const jsonHeaders = { ...json.headers, 'content-length': String(Buffer.byteLength(json.body)) };
const stream = dialects.openai.encodeStream(reply, { minGapMs: 0 });
// The role chunk and the first content chunk, then everything else.
const firstContent = stream.events.findIndex((e) => e.data.includes('"content":"') && !e.data.includes('"content":""'));
const head = stream.events.slice(0, firstContent + 1).map((e) => e.data).join('');
const rest = stream.events.slice(firstContent + 1).map((e) => e.data).join('');

let requests = 0;
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    // The control routes serve checks a --mock-url by: a run start answers ok, stats counts calls.
    if (req.url?.startsWith('/_routebench/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(req.url.startsWith('/_routebench/stats') ? JSON.stringify({ requests }) : '{"ok":true}');
    }
    requests++;
    if (!Buffer.concat(chunks).includes('"stream":true')) {
      res.writeHead(200, jsonHeaders);
      return void res.end(json.body);
    }
    res.writeHead(200, stream.headers);
    res.write(head);
    setTimeout(() => res.end(rest), 1);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
