/** Runs the CLI from source in a child process (for signal tests): node --import tsx test/helpers/cli-entry.ts <args>. */
import { runCli } from '../../src/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
