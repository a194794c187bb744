/**
 * Child of no-deopt-loop.test.ts (node --trace-deopt-verbose --import tsx): simulates the first
 * 20,000 requests of scenarios/outage-failover.yaml, every strategy, on the main thread into an
 * in-memory store (no report: only the simulate path and the attempt writer run). Prints the rows.
 */
import path from 'node:path';
import { runScenario } from '../../src/runner/run-scenario.js';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { openStore } from '../../src/store/open-store.js';
import { testEnv } from '../helpers/run-yaml.js';

const root = path.resolve(import.meta.dirname, '../..');
const store = await openStore(':memory:');
await runScenario(await loadScenario(path.join(root, 'scenarios/outage-failover.yaml')), { store, env: testEnv, limit: 20_000 });
const [{ n }] = await store.all<{ n: number }>('SELECT count(*)::INTEGER AS n FROM attempts');
store.close();
process.stdout.write(`rows ${n}\n`);
