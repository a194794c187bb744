/**
 * `routebench record --openai <url> [--anthropic <url>]`: a recording proxy on loopback. Point the
 * app's base URL at it; every Chat Completions / Messages call goes on to the upstream untouched
 * and is written as a trace row with what was observed. Ctrl-C (or SIGTERM) stops it: open calls
 * finish (up to --grace), the files are flushed, and a summary says what was recorded.
 */
import { count } from '../../plural.js';
import { readFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { portOption } from './common-options.js';
import { environmentError, ExitCode, inputError } from '../../errors.js';
import { compilePolicy, dlpPolicySchema, PolicyError, type CompiledPolicy } from '../../dlp/policy.js';
import { formatPath } from '../../scenario/format-issues.js';
import { parseYamlSource } from '../../scenario/yaml-source.js';
import { startRecorder, type RecordUpstream } from '../../record/recorder.js';
import type { RecordSummary } from '../../record/record-stats.js';
import { ensureWritableFolder, type Io } from '../io.js';

export interface RecordArgs {
  openai?: string;
  anthropic?: string;
  port: number;
  host: string;
  'allow-remote': boolean;
  out: string;
  'tag-header': string[];
  'store-text': boolean;
  dlp?: string;
  'rotate-mb': number;
  'rotate-minutes'?: number;
  'max-body-mb': number;
  grace: number;
  'time-scale': number;
  json: boolean;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;
const CREDENTIALS = ['api_key', 'jwt', 'private_key'];
/** Request headers that carry credentials: relayed, never written (so never a tag). */
const CREDENTIAL_HEADERS = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-goog-api-key|openai-api-key|anthropic-api-key|x-portkey-api-key|x-litellm-api-key)$|(^|-)(token|secret|password|api-key|apikey)($|-)/;

export function recordBuilder(y: Argv): Argv<RecordArgs> {
  return y
    .option('openai', { type: 'string', describe: 'upstream for /v1/chat/completions: [name=]URL, e.g. https://api.openai.com or your gateway' })
    .option('anthropic', { type: 'string', describe: 'upstream for /v1/messages: [name=]URL, e.g. https://api.anthropic.com' })
    .option('port', { type: 'number', coerce: portOption('port'), default: 8090, describe: 'port (0: any free port)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'interface; loopback only unless --allow-remote' })
    .option('allow-remote', { type: 'boolean', default: false, describe: 'allow a non-loopback --host' })
    .option('out', { type: 'string', default: 'traces/recorded', describe: 'folder for the trace files' })
    .option('tag-header', { type: 'string', array: true, default: [], describe: 'request header to keep as a tag: header[=tag], e.g. x-project=project (repeatable)' })
    .option('store-text', { type: 'boolean', default: false, describe: 'store prompt text, after the redaction policy (default: only a SHA-256 and lengths)' })
    .option('dlp', { type: 'string', describe: 'DLP policy file (YAML/JSON: detectors, custom): what --store-text redacts or withholds; its custom rules are also recorded in prompt_dlp' })
    .option('rotate-mb', { type: 'number', default: 64, describe: 'start a new file past this size' })
    .option('rotate-minutes', { type: 'number', describe: 'start a new file after this many minutes' })
    .option('max-body-mb', { type: 'number', default: 32, describe: 'largest request body relayed (413 above)' })
    .option('grace', { type: 'number', default: 30, describe: 'seconds open calls may take to finish after Ctrl-C' })
    .option('time-scale', { type: 'number', default: 1, describe: 'recording a replay that runs N× faster than its scenario (mock-server --time-scale N): write times ×N' })
    .option('json', { type: 'boolean', default: false, describe: 'print the summary as JSON' }) as unknown as Argv<RecordArgs>;
}

function upstream(flag: string, value: string | undefined): RecordUpstream | undefined {
  if (value === undefined) return undefined;
  const eq = value.indexOf('=');
  const named = eq > 0 && !value.slice(0, eq).includes(':');
  const url = named ? value.slice(eq + 1) : value;
  let u: URL;
  try {
    u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw inputError('BAD_OPTION', `--${flag} ${JSON.stringify(value)} is not an http(s) URL`, [], `e.g. --${flag} https://api.${flag}.com or --${flag} gateway=http://127.0.0.1:4000`);
  }
  // user:password@ would be printed in the banner (and is not sent: calls go to the URL's origin)
  if (u.username !== '' || u.password !== '')
    throw inputError('BAD_OPTION', `--${flag}: give the upstream URL without user:password@ (${u.protocol}//${u.host}${u.pathname})`, [], 'the app sends its own credentials in its headers; the recorder relays them');
  // A query string (?api-key=…, ?api-version=…) was dropped from every call (each goes to the
  // URL's path plus the app's own path and query) and printed in the banner, a key with it.
  if (u.search !== '' || u.hash !== '')
    throw inputError('BAD_OPTION', `--${flag}: give the upstream URL without ${u.search !== '' ? 'a query string' : 'a #fragment'} (${u.protocol}//${u.host}${u.pathname}): it is not sent with the calls`, [], "the app's own query string (Azure's ?api-version=) is relayed with each call, and its key goes in its headers");
  return { name: named ? value.slice(0, eq) : u.host, url };
}

/** `storing`: the policy guards stored text (--store-text), so it may not let credentials through. */
function policyFrom(file: string | undefined, storing: boolean): CompiledPolicy {
  if (file === undefined) return compilePolicy();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw inputError('BAD_POLICY', `--dlp ${file}: ${(e as Error).message}`, [], 'give a YAML or JSON file with `detectors:` and/or `custom:`');
  }
  if (text.trim() === '') return compilePolicy(); // an empty policy: the defaults
  const source = parseYamlSource(text, file);
  if (source.problems.length > 0) throw inputError('BAD_POLICY', `--dlp ${file} is not a readable policy`, source.problems, 'give a YAML or JSON file with `detectors:` and/or `custom:`');
  // every problem at file:line with its field path, as a scenario's are
  const at = (path: readonly (string | number)[], message: string) => ({ file, ...source.locate(path), path: formatPath(path), message });
  const parsed = dlpPolicySchema.safeParse(source.value ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => at(i.path.filter((p): p is string | number => typeof p !== 'symbol'), i.message));
    throw inputError('BAD_POLICY', `--dlp ${file}: ${problems.map((p) => `${p.path || '(top)'}: ${p.message}`).join('; ')}`, problems);
  }
  for (const c of storing ? CREDENTIALS : []) {
    const a = parsed.data.detectors?.[c];
    if (a === 'flag' || a === 'off') throw inputError('BAD_POLICY', `--dlp ${file}: detectors.${c} is ${a}, which would write credentials to the trace`, [at(['detectors', c], `is ${a}, which would write credentials to the trace`)], `record stores text only through redact or block for ${CREDENTIALS.join(', ')}`);
  }
  try {
    return compilePolicy(parsed.data);
  } catch (e) {
    const path = e instanceof PolicyError ? e.path : [];
    throw inputError('BAD_POLICY', `--dlp ${file}: ${(e as Error).message}`, [at(path, (e as Error).message)]);
  }
}

export function summaryText(s: RecordSummary): string {
  const ms = (v: number | null) => (v === null ? '–' : `${Math.round(v).toLocaleString('en-US')} ms`);
  // The 10 most frequent, then how many more: a tag of user ids has one value per user (--json has them all).
  const list = (m: Record<string, number>) => {
    const all = Object.entries(m).sort((a, b) => b[1] - a[1]);
    const shown = all.slice(0, 10).map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`).join(', ') || 'none';
    return all.length > 10 ? `${shown}, and ${(all.length - 10).toLocaleString('en-US')} more` : shown;
  };
  const lines = [
    `recorded ${count(s.calls, 'call')} in ${(s.durationMs / 1000).toFixed(1)} s: ${s.ok.toLocaleString('en-US')} ok, ${s.streamed.toLocaleString('en-US')} streamed`,
    `  by dialect: ${list(s.byDialect)}`,
    `  by target: ${list(s.byTarget)}`,
    `  failures: ${list(s.byErrorKind)}`,
    `  latency p50 ${ms(s.p50LatencyMs)}, p95 ${ms(s.p95LatencyMs)}; TTFT p50 ${ms(s.p50TtftMs)} (successful calls)`,
    ...Object.entries(s.byTag).map(([tag, m]) => `  tag ${tag}: ${list(m)}`),
    `  DLP detectors fired on: ${list(s.byDetector)} (prompt_dlp: names only)`,
    ...(s.textWithheld + s.textRedacted > 0 ? [`  prompt text: ${s.textRedacted} redacted, ${s.textWithheld} withheld by the policy`] : []),
    ...s.files.map((f) => `  ${f.path}: ${count(f.rows, 'row')}`),
  ];
  return `${lines.join('\n')}\n`;
}

export async function recordHandler(args: RecordArgs, io: Io): Promise<number> {
  ensureWritableFolder(args.out, '--out');
  const openai = upstream('openai', args.openai);
  const anthropic = upstream('anthropic', args.anthropic);
  // Both on one host (a gateway, a mock server): by default each keeps its dialect in its name, or
  // every call would be one target and calibrate would fit Anthropic calls as an OpenAI target.
  let renamed = false;
  if (openai && anthropic && openai.name === anthropic.name) {
    if (openai.name !== new URL(openai.url).host || anthropic.name !== new URL(anthropic.url).host)
      throw inputError('BAD_OPTION', `--openai and --anthropic are both named ${JSON.stringify(openai.name)}: their calls would be one target, fitted with one dialect`, [], `give them different names, e.g. --openai ${openai.name}-openai=${openai.url} --anthropic ${anthropic.name}-anthropic=${anthropic.url}`);
    openai.name = `openai@${openai.name}`;
    anthropic.name = `anthropic@${anthropic.name}`;
    renamed = true;
  }
  if (!openai && !anthropic) throw inputError('NO_UPSTREAM', 'record needs an upstream: --openai <url>, --anthropic <url>, or both', [], 'e.g. routebench record --openai https://api.openai.com');
  if (!LOOPBACK.test(args.host) && !args['allow-remote'])
    throw inputError('REMOTE_HOST', `--host ${args.host} is not a loopback address: the recorder would relay other machines' calls with your keys`, [], 'keep the default 127.0.0.1, or add --allow-remote if you mean it');
  for (const [flag, min, open] of [['rotate-mb', 0, true], ['rotate-minutes', 0, true], ['max-body-mb', 0, true], ['grace', 0, false], ['time-scale', 0, true]] as const) {
    const v = args[flag];
    if (v !== undefined && !(Number.isFinite(v) && (open ? v > min : v >= min)))
      throw inputError('BAD_OPTION', `--${flag} ${v} must be a number ${open ? '>' : '≥'} ${min}`, [], `e.g. --${flag} ${flag === 'grace' ? 30 : flag === 'time-scale' ? 1 : 64}`);
  }
  // without --store-text, --dlp only adds its custom rules to the detectors recorded in prompt_dlp
  const policy = args.dlp !== undefined || args['store-text'] ? policyFrom(args.dlp, args['store-text']) : undefined;
  const tagHeaders = args['tag-header'].map((h) => {
    const [header, tag] = h.split('=', 2) as [string, string | undefined];
    return { header: header.trim().toLowerCase(), tag: (tag ?? header.replace(/^x-/i, '')).trim() };
  });
  // an HTTP field name (RFC 9110 token) and a tag name: anything else would never match, or write an empty tag
  const unusable = args['tag-header'].find((h, i) => !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(tagHeaders[i]!.header) || !/^[\w.-]+$/.test(tagHeaders[i]!.tag) || h.split('=').length > 2);
  if (unusable !== undefined)
    throw inputError('BAD_OPTION', `--tag-header ${JSON.stringify(unusable)} must be header[=tag]: an HTTP header name, and a tag name of letters, digits, _, . or -`, [], 'e.g. --tag-header x-project=project');
  const secret = tagHeaders.find((t) => CREDENTIAL_HEADERS.test(t.header));
  if (secret) throw inputError('BAD_OPTION', `--tag-header ${secret.header}: that header carries credentials, and tags are written to the trace and the summary`, [], 'tag by a header that names the caller, e.g. --tag-header x-project=project');
  const rec = await startRecorder({
    upstreams: { ...(openai ? { openai } : {}), ...(anthropic ? { anthropic } : {}) },
    host: args.host,
    port: args.port,
    dir: args.out,
    tagHeaders,
    storeText: args['store-text'] ? policy : undefined,
    dlpRules: policy,
    rotateBytes: args['rotate-mb'] * 1024 * 1024,
    rotateMs: args['rotate-minutes'] === undefined ? undefined : args['rotate-minutes'] * 60_000,
    maxBodyBytes: args['max-body-mb'] * 1024 * 1024,
    timeScale: args['time-scale'],
    now: () => performance.now(),
    wallClock: () => Date.now(),
    onWriteError: (e) => io.err(`error: cannot write the trace in ${args.out}: ${(e as Error).message ?? String(e)}; calls are still relayed; rows that cannot be written are counted, and said again when recording stops\n`),
  });
  const as = (u: RecordUpstream) => (renamed ? ` (target ${u.name})` : '');
  const targets = [openai && `  /v1/chat/completions → ${openai.url}${as(openai)}`, anthropic && `  /v1/messages         → ${anthropic.url}${as(anthropic)}`].filter(Boolean).join('\n');
  const banner = `routebench record on ${rec.url} → ${args.out} (prompts: ${args['store-text'] ? 'redacted text' : 'hash and lengths only'}; Ctrl-C to stop)\n${targets}\n`;
  if (args.json) io.err(banner);
  else io.out(banner);
  // Ctrl-C stops (open calls get --grace to finish); a second one cuts them now, and the rows of
  // every call, cut ones included, are still written and summed up before the exit (130).
  let stopped: Promise<RecordSummary> | undefined;
  let printed = false;
  const print = (summary: RecordSummary) => {
    if (printed) return;
    printed = true;
    if (args.json) io.out(`${JSON.stringify(summary)}\n`);
    else io.out(summaryText(summary));
  };
  let off = () => {};
  await new Promise<void>((resolve) => {
    off = io.onInterrupt(
      () => {
        // Said at once: with calls open the stop waits up to --grace seconds, silent, and a second
        // Ctrl-C pressed because nothing seemed to happen cuts the calls it was waiting for.
        const n = rec.openCalls;
        if (n > 0) io.err(`\nCtrl-C: no new calls; waiting up to ${args.grace} s for ${n === 1 ? 'the open call' : `${n.toLocaleString('en-US')} open calls`} to finish (Ctrl-C again cuts ${n === 1 ? 'it' : 'them'} now)\n`);
        resolve();
      },
      async () => {
        rec.hurry();
        if (stopped) print(await stopped);
      },
      'open calls are cut and recorded as cut',
    );
  });
  stopped = rec.stop(args.grace * 1000);
  const summary = await stopped;
  off();
  print(summary);
  if (summary.lostRows !== undefined)
    throw environmentError('TRACE_NOT_WRITTEN', `${summary.lostRows.toLocaleString('en-US')} of ${summary.calls.toLocaleString('en-US')} recorded calls could not be written to ${args.out}: ${summary.writeError ?? 'unknown error'}`, 'keep the --out folder in place and writable while recording (space, permissions), and record again');
  return ExitCode.ok;
}
