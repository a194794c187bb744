/**
 * Starts `routebench serve --scenario <file> --strategy <label> --port 0 --mock-url <mock>` (the
 * routebench gateway, in front of the mock server) as a child process of the installed CLI
 * (bin/routebench.js), and reads the URL it prints: the first `http://<loopback>:<port>` on its
 * stdout. Its base URL is that origin + `/v1` unless the printed URL has a path. A CLI without the
 * command, or one that exits first, fails the arm with a message instead of the run.
 */
import path from 'node:path';
import { packageRoot } from '../package-files.js';
import { ChildFailed, nodeCommand, spawnReady, type Child } from './child-process.js';

export interface ServeProcess {
  baseUrl: string;
  pid: number;
  child: Child;
}

/** What the arm reports when serve cannot start. */
export class ServeUnavailable extends Error {}

const URL_IN_LINE = /(https?:\/\/(?:127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+)(\/[^\s"',)]*)?/;

/** The base URL a serve line announces, or undefined. */
export function serveBaseUrl(line: string): string | undefined {
  const m = URL_IN_LINE.exec(line);
  if (!m) return undefined;
  const pathPart = (m[2] ?? '').replace(/\/+$/, '').replace(/\/(chat\/completions|messages)$/, '');
  return `${m[1]}${pathPart === '' ? '/v1' : pathPart}`;
}

export async function startServeProcess(o: { scenarioFile: string; strategy: string; mockUrl: string; seed?: number; pinCpu?: number; cli?: string }): Promise<ServeProcess> {
  const cli = o.cli ?? path.join(packageRoot(), 'bin', 'routebench.js');
  const args = [cli, 'serve', '--scenario', o.scenarioFile, '--strategy', o.strategy, '--port', '0', '--mock-url', o.mockUrl, ...(o.seed !== undefined ? ['--seed', String(o.seed)] : [])];
  const [cmd, argv] = nodeCommand(args, o.pinCpu);
  try {
    const { child, value } = await spawnReady(cmd, argv, { ready: serveBaseUrl, timeoutMs: 20_000 });
    return { baseUrl: value, pid: child.pid, child };
  } catch (e) {
    if (!(e instanceof ChildFailed)) throw e;
    const said = `${e.stderr}\n${e.lines.join('\n')}`;
    if (/Unknown (argument|command)|Did you mean|give a command/i.test(said) && /serve/.test(said))
      throw new ServeUnavailable('`routebench serve` is not available in this build (the CLI does not know the command); build the project with `npm run build`, or remove the serve arm');
    const first = said.split('\n').map((l) => l.trim()).find((l) => l !== '');
    throw new ServeUnavailable(`\`routebench serve\` ${e.message}${first ? `: ${first}` : ''}`);
  }
}
