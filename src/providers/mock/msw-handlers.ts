/**
 * The mock providers as one msw handler: real `fetch` requests to `<base>/t/<target>/v1/...` are
 * intercepted in-process and answered by the mock service, streams through a ReadableStream on a
 * real clock. One handler with a map lookup, so matching cost does not grow with the number of
 * targets (msw scans handlers linearly: one handler per target would).
 */
import { STATUS_CODES } from 'node:http';
import { http, HttpResponse } from 'msw';
import type { MockService } from './mock-service.js';
import { playReply } from './reply-timeline.js';
import { RequestGate } from './request-gate.js';
import type { WireResponse } from '../dialects/dialect.js';

// Groups: the path (the URL has no query when it matches), the target, the dialect's route.
const ROUTE = /^https?:\/\/[^/]+(\/t\/([^/]+)\/v1\/(chat\/completions|messages))$/;

// msw takes the fetch API's own Response as a mocked response (https://mswjs.io/docs/api/http-response/):
// HttpResponse adds cookie and content-type helpers these replies do not use, at the cost of a
// second Headers copy per reply. The reason phrase is the one HttpResponse (and node:http) sets.
const init = (status: number, headers: Record<string, string>): ResponseInit => ({ status, statusText: STATUS_CODES[status] ?? '', headers });
const reply = (r: WireResponse) => new Response(r.body, init(r.status, r.headers));

/** `gate` checks each request as the real API would before the mock model sees it (request-gate.ts). */
export function mockHandlers(service: MockService, gate = new RequestGate()) {
  return [
    http.post(ROUTE, async ({ request }) => {
      const m = ROUTE.exec(request.url)!;
      const target = service.target(m[2]!);
      if (!target) return HttpResponse.json({ error: { type: 'not_found_error', message: `unknown target ${m[2]}` } }, { status: 404 });
      const wrong = gate.wrongRoute(target, request.method, m[3]!, m[1]!);
      if (wrong) return reply(wrong);
      const text = await request.text();
      if (Buffer.byteLength(text) > gate.maxBodyBytes) return reply(gate.tooLarge(target));
      const checked = gate.check(target, text, request.headers);
      if (!checked.ok) return reply(checked.response);
      const handled = service.handle({ targetId: m[2]!, headers: request.headers, body: checked.body });
      return new Promise<Response>((resolve) => {
        // A stream's body is a ReadableStream made at head(); a JSON reply is one string body (whole()).
        let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
        let answered = false;
        const encoder = new TextEncoder();
        const cancel = playReply(
          handled.plan,
          {
            head: (status, headers) => {
              const stream = new ReadableStream<Uint8Array>({
                start(c) {
                  controller = c;
                },
                cancel() {
                  cancel();
                },
              });
              answered = true;
              resolve(new Response(stream, init(status, headers)));
            },
            write: (chunk) => controller?.enqueue(encoder.encode(chunk)),
            end: () => controller?.close(),
            reset: () => {
              if (answered) controller?.error(new TypeError('connection reset by the mock'));
              else {
                answered = true;
                resolve(Response.error());
              }
            },
            whole: (status, headers, text) => {
              answered = true;
              resolve(new Response(text, init(status, headers)));
            },
          },
          handled.done,
        );
        request.signal.addEventListener('abort', () => {
          cancel();
          handled.done(true); // a no-op when the reply already finished
          if (!answered) {
            answered = true;
            resolve(Response.error());
          } else {
            // msw does not error a mocked body when the fetch is aborted: end it, as a socket would.
            try {
              controller?.error(request.signal.reason);
            } catch {
              // already closed
            }
          }
        });
      });
    }),
  ];
}
