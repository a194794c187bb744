/**
 * Starts the scenario's mock server in its own process (see mock-child.ts) and returns where it
 * listens, its pid (for CPU sampling) and how to stop it. A port in use is an environment error
 * (exit 4) naming --mock-port; any other start failure carries the child's own message.
 */
import { environmentError, HarnessError, type ExitCodeValue } from '../errors.js';
import { ChildFailed, moduleCommand, nodeCommand, spawnReady, type Child } from './child-process.js';

export interface MockProcess {
  url: string;
  pid: number;
  targets: { id: string; dialect: 'openai' | 'anthropic'; model: string }[];
  child: Child;
}

interface ReadyLine {
  ready?: boolean;
  url?: string;
  pid?: number;
  targets?: MockProcess['targets'];
  error?: { code: string; message: string; hint?: string; exitCode: ExitCodeValue };
}

export async function startMockProcess(o: { scenarioFile: string; port: number; seed?: number; streamGapMs: number; pinCpu?: number }): Promise<MockProcess> {
  const node = moduleCommand('load/mock-child');
  const args = [...node, JSON.stringify({ scenario: o.scenarioFile, port: o.port, seed: o.seed, streamGapMs: o.streamGapMs })];
  const [cmd, argv] = nodeCommand(args, o.pinCpu);
  let started: { child: Child; value: ReadyLine };
  try {
    started = await spawnReady<ReadyLine>(cmd, argv, { ready: parseLine, timeoutMs: 20_000 });
  } catch (e) {
    if (!(e instanceof ChildFailed)) throw e;
    const reported = e.lines.map(parseLine).find((l) => l?.error)?.error;
    if (reported) throw reportedError(reported, o.port);
    throw environmentError('MOCK_START', `the mock server process ${e.message}${e.stderr ? `: ${e.stderr.split('\n')[0]}` : ''}`, 'run `routebench mock-server --scenario <file>` on its own to see why');
  }
  const { child, value } = started;
  if (value.error) {
    await child.stop();
    throw reportedError(value.error, o.port);
  }
  return { url: value.url!, pid: value.pid ?? child.pid, targets: value.targets ?? [], child };
}

function reportedError(r: NonNullable<ReadyLine['error']>, port: number): HarnessError {
  if (r.code === 'PORT_IN_USE')
    return environmentError('PORT_IN_USE', `the mock server cannot listen on port ${port}: it is already in use`, 'stop what listens there, or choose another --mock-port (0: any free port; then point your gateway at the printed URL)');
  return new HarnessError(r.code, `mock server: ${r.message}`, { exitCode: r.exitCode, hint: r.hint });
}

function parseLine(line: string): ReadyLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line) as ReadyLine;
    return v.ready || v.error ? v : undefined;
  } catch {
    return undefined;
  }
}
