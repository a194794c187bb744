/**
 * How big a request's prompt is when it carries no routebench marker (an SDK, a gateway's own
 * probes, an app behind `record`): about 4 characters a token over the message contents and the
 * Anthropic `system` (strings, arrays of them or of parts, a part's `content`/`text`). One
 * definition for the mock server (its context-window check and its billing), serve and record.
 *
 * The walk keeps its own stack instead of recursing: a body nested hundreds of thousands of
 * levels deep (JSON.parse reads it without complaint) overflowed the call stack, which crashed the
 * mock server and serve from inside a request handler.
 */

/** Characters of text in `messages` and `system`. */
export function promptChars(body: unknown): number {
  const b = body as { messages?: unknown; system?: unknown } | null;
  const stack: unknown[] = [b?.messages, b?.system];
  let chars = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') chars += v.length;
    else if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    else if (v !== null && typeof v === 'object') {
      const o = v as { content?: unknown; text?: unknown };
      if (o.content !== undefined) stack.push(o.content);
      if (o.text !== undefined) stack.push(o.text);
    }
  }
  return chars;
}

/** About 4 characters a token. */
export function estimatePromptTokens(body: unknown): number {
  return Math.ceil(promptChars(body) / 4);
}
