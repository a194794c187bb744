/**
 * Server-sent events, both ways. The parser follows the WHATWG event-stream rules (lines end in
 * LF, CRLF or CR; `:` starts a comment; one leading space after the colon is dropped; `data`
 * lines join with LF; a blank line dispatches) and is incremental: text may be pushed in slices
 * that split lines, or even a CRLF, anywhere.
 */

export interface SseMessage {
  /** The `event:` field, '' when absent (the spec's default type is "message"). */
  event: string;
  data: string;
}

/** One event's text: an optional `event:` line, a `data:` line, and the blank line. */
export function formatSse(data: string, event?: string): string {
  return event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`;
}

export class SseParser {
  private buf = '';
  private event = '';
  /** The event's data lines: the first (the usual case, no array), then any more. */
  private data: string | undefined;
  private moreData: string[] | undefined;
  private skipLf = false;
  private started = false;

  push(text: string): SseMessage[] {
    const out: SseMessage[] = [];
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLf && text.length > 0) {
      if (text.charCodeAt(0) === 10) text = text.slice(1);
      this.skipLf = false;
    }
    // The held text has no line end: look for them in the new text only, with indexOf (native).
    const from = this.buf.length;
    const s = from === 0 ? text : this.buf + text;
    let start = 0;
    let lf = s.indexOf('\n', from);
    let cr = s.indexOf('\r', from);
    while (lf >= 0 || cr >= 0) {
      let i = cr < 0 || (lf >= 0 && lf < cr) ? lf : cr;
      this.line(s.slice(start, i), out);
      if (i === cr) {
        if (i + 1 < s.length) {
          if (s.charCodeAt(i + 1) === 10) i++;
        } else this.skipLf = true;
      }
      start = i + 1;
      if (lf >= 0 && lf < start) lf = s.indexOf('\n', start);
      if (cr >= 0 && cr < start) cr = s.indexOf('\r', start);
    }
    this.buf = start === 0 ? s : s.slice(start);
    return out;
  }

  /**
   * End of the body. An unfinished last line is discarded (it was cut); complete lines still
   * waiting for their blank line are dispatched, leniently, as servers often omit the last one.
   */
  end(): SseMessage[] {
    const out: SseMessage[] = [];
    if (this.buf === '') this.line('', out);
    this.buf = '';
    this.data = this.moreData = undefined;
    this.event = '';
    return out;
  }

  private line(line: string, out: SseMessage[]): void {
    if (line === '') {
      if (this.data !== undefined) out.push({ event: this.event, data: this.moreData === undefined ? this.data : [this.data, ...this.moreData].join('\n') });
      this.data = this.moreData = undefined;
      this.event = '';
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' comment (keep-alive)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') {
      if (this.data === undefined) this.data = value;
      else (this.moreData ??= []).push(value);
    }
    else if (field === 'event') this.event = value;
    // id and retry do not matter for one-shot model streams; unknown fields are ignored per spec.
  }
}
