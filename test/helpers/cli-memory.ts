/** Runs the CLI in this process with captured output: its exit code, stdout and stderr. */
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo();
  const code = await runCli(args, io);
  return { code, out: io.stdout, err: io.stderr };
}
