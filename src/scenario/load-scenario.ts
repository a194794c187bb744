/**
 * Loads one scenario file (YAML or JSON): parse with positions, validate strictly, check
 * references inside the scenario, and report every problem at once as a HarnessError (exit 2).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, HarnessError, inputError, sortProblems, type Problem } from '../errors.js';
import { keepProblem, salvage } from './salvage.js';
import { includeCalibration } from './include-calibration.js';
import { issuesToProblems, formatPath } from './format-issues.js';
import { scenarioSchema, type Scenario } from './schema.js';
import { unknownNameMessage } from './suggest.js';
import { parseYamlSource, type PathSegment, type YamlSource } from './yaml-source.js';
import { nounFor } from '../plural.js';

export interface LoadedScenario {
  /** The file as given (used in messages). */
  file: string;
  /** Directory that relative paths in the scenario resolve against. */
  dir: string;
  /** sha256 of the file's bytes: identifies what a run was made from. */
  hash: string;
  scenario: Scenario;
  /** Positions, for problems found after loading (strategy options, trace paths). */
  source: YamlSource;
}

/**
 * The largest scenario file accepted. A scenario is configuration (targets, strategies, a traffic
 * generator or a trace path); requests belong in a trace file, which is streamed row by row.
 */
export const MAX_SCENARIO_BYTES = 8 * 1024 * 1024;

function tooLarge(file: string, bytes: number): HarnessError {
  const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
  const message = `the scenario is ${mb(bytes)}, over the ${mb(MAX_SCENARIO_BYTES)} limit for scenario files; put recorded requests in a trace file (traffic.trace.path, streamed row by row) instead of the scenario`;
  return inputError('SCENARIO_TOO_LARGE', `${file}: ${message}`, [{ file, line: 1, col: 1, path: '', message }]);
}

/**
 * A scenario with problems. `partial` is what is left once the parts with schema problems are set
 * aside (salvage.ts), for the plan's own checks; `keep` drops the problems that setting aside caused.
 */
export class ScenarioInvalidError extends HarnessError {
  constructor(
    file: string,
    problems: readonly Problem[],
    readonly partial?: LoadedScenario,
    private readonly removedNames: ReadonlySet<string> = new Set(),
  ) {
    const sorted = sortProblems(problems);
    super('SCENARIO_INVALID', `${file}: ${sorted.length} ${nounFor(sorted.length, 'problem')}`, { problems: sorted, exitCode: ExitCode.usage });
  }

  keep(p: Problem): boolean {
    return keepProblem(p, this.removedNames);
  }
}

/** Validates scenario text; `file` is used for messages and relative paths. */
export function parseScenario(text: string, file: string): LoadedScenario {
  // Cheap bound first (a UTF-8 byte is at most one UTF-16 unit; a unit is at most 3 bytes).
  if (text.length * 3 > MAX_SCENARIO_BYTES) {
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > MAX_SCENARIO_BYTES) throw tooLarge(file, bytes);
  }
  const parsedSource = parseYamlSource(text, file);
  if (parsedSource.value === undefined) throw new ScenarioInvalidError(file, jsonLines(text, file) ?? parsedSource.problems);
  const included = includeCalibration(parsedSource, file);
  // With a calibration included, problems and later lookups see the merged value, located in the file each node came from.
  const source = included.source ?? parsedSource;
  const problems: Problem[] = [...source.problems, ...included.problems];
  const parsed = scenarioSchema.safeParse(included.value);
  let scenario: Scenario | undefined;
  let removedNames: ReadonlySet<string> = new Set();
  if (parsed.success) scenario = parsed.data;
  else {
    problems.push(...issuesToProblems(parsed.error.issues, source, file, scenarioSchema));
    const salvaged = salvage(included.value, parsed.error.issues);
    scenario = salvaged?.scenario;
    removedNames = salvaged?.removedNames ?? removedNames;
  }
  if (scenario) problems.push(...checkReferences(scenario, source, file).filter((p) => keepProblem(p, removedNames)));
  const loaded = scenario && {
    file,
    dir: path.dirname(path.resolve(file)),
    hash: createHash('sha256').update(text).update(included.text).digest('hex'),
    scenario,
    source,
  };
  if (problems.length > 0) throw new ScenarioInvalidError(file, problems, loaded, removedNames);
  return loaded!;
}

/**
 * A file of one JSON object per line given where a scenario belongs (`backtest trace.jsonl`,
 * `run spend-logs.jsonl`): YAML cannot read it, and said so at every token, hundreds of problems
 * for a short trace. One problem instead, at its second line, saying what it is.
 */
function jsonLines(text: string, file: string): Problem[] | undefined {
  const lines: number[] = [];
  let start = 0;
  for (let n = 1; start <= text.length && lines.length < 2; n++) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end === -1 ? text.length : end).trim();
    if (line !== '') {
      try {
        const v = JSON.parse(line) as unknown;
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
      } catch {
        return undefined;
      }
      lines.push(n);
    }
    if (end === -1) break;
    start = end + 1;
  }
  if (lines.length < 2) return undefined;
  const message = 'one JSON object per line: a trace or a log, not a scenario; give the scenario that reads it (traffic.trace.path), e.g. one made with routebench init';
  return [{ file, line: lines[1]!, col: 1, path: '', message }];
}

export async function loadScenario(file: string): Promise<LoadedScenario> {
  let text: string;
  try {
    const st = await stat(file);
    // A device (/dev/zero) reads without end: a file or a pipe (`<(…)`, read to its end) only.
    if (st.isDirectory() || st.isCharacterDevice() || st.isBlockDevice())
      throw inputError('SCENARIO_UNREADABLE', `cannot read scenario ${file}: it is ${st.isDirectory() ? 'a folder' : 'a device'}, not a file`, [{ file, path: '', message: `${st.isDirectory() ? 'a folder' : 'a device'}, not a scenario file` }]);
    if (st.size > MAX_SCENARIO_BYTES) throw tooLarge(file, st.size);
    text = scenarioText(await readFile(file), file);
  } catch (e) {
    if (e instanceof HarnessError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw inputError('SCENARIO_UNREADABLE', `cannot read scenario ${file}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`, [
      { file, path: '', message: code === 'ENOENT' ? 'no such file' : `unreadable (${code ?? 'error'})` },
    ]);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return parseScenario(text, file);
}

/**
 * The bytes of a scenario as text. A binary file (a NUL byte) or one that is not UTF-8 (a Latin-1
 * or UTF-16 export) is one located problem; it was decoded with replacement characters and
 * reported as "expected an object, got" a few thousand characters of them.
 */
function scenarioText(bytes: Buffer, file: string): string {
  const fail = (at: number, message: string) => {
    let line = 1;
    for (let i = bytes.indexOf(10); i !== -1 && i < at; i = bytes.indexOf(10, i + 1)) line++;
    return inputError('SCENARIO_NOT_TEXT', `${file}:${line}: ${message}`, [{ file, line, col: 1, path: '', message }]);
  };
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw fail(nul, 'a binary file (or UTF-16), not a scenario: give a YAML or JSON text file');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let at = 0;
    // the first byte that does not decode: the longest prefix that does
    for (let lo = 0, hi = bytes.length; lo < hi; ) {
      const mid = (lo + hi + 1) >> 1;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
        lo = mid;
        at = mid;
      } catch {
        hi = mid - 1;
      }
    }
    throw fail(at, 'not valid UTF-8 (a Latin-1 or UTF-16 export?); save it as UTF-8, e.g. `iconv -f latin1 -t utf-8`');
  }
}

/** A located problem for a path inside the scenario. */
export function problemAt(loaded: Pick<LoadedScenario, 'file' | 'source'>, at: readonly PathSegment[], message: string, atKey = false): Problem {
  return { file: loaded.file, ...loaded.source.locate(at, atKey), path: formatPath(at), message };
}

function checkReferences(scenario: Scenario, source: YamlSource, file: string): Problem[] {
  const problems: Problem[] = [];
  const targetIds = Object.keys(scenario.targets);
  const gatewayIds = Object.keys(scenario.gateways);
  const providers = [...new Set(Object.values(scenario.targets).map((t) => t.provider))];
  for (const [id, t] of Object.entries(scenario.targets))
    if (t.via !== undefined && !gatewayIds.includes(t.via))
      problems.push(problemAt({ file, source }, ['targets', id, 'via'], unknownNameMessage('gateway', t.via, gatewayIds)));
  scenario.incidents.forEach((incident, i) => {
    (incident.targets ?? []).forEach((id, j) => {
      if (id !== '*' && !targetIds.includes(id))
        problems.push(problemAt({ file, source }, ['incidents', i, 'targets', j], unknownNameMessage('target', id, targetIds)));
    });
    (incident.providers ?? []).forEach((p, j) => {
      if (!providers.includes(p)) problems.push(problemAt({ file, source }, ['incidents', i, 'providers', j], unknownNameMessage('provider', p, providers)));
    });
    (incident.gateways ?? []).forEach((g, j) => {
      if (!gatewayIds.includes(g)) problems.push(problemAt({ file, source }, ['incidents', i, 'gateways', j], unknownNameMessage('gateway', g, gatewayIds)));
    });
  });
  return problems;
}
