/**
 * Child process for the serve-vs-proxy benchmark: `routebench serve <args>` from source, exactly
 * as the CLI runs it (SIGINT/SIGTERM stop it cleanly). It prints its URL on its first line.
 */
import { runCli } from '../src/cli/main.js';

process.exitCode = await runCli(['serve', ...process.argv.slice(2)]);
