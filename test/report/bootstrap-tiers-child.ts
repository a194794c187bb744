/**
 * Child of bootstrap-no-deopt.test.ts (node --trace-deopt --allow-natives-syntax --import tsx):
 * calls bootstrapQuantiles over and over on an in-memory table while switching it between the
 * interpreter and TurboFan (V8's %DeoptimizeFunction / %OptimizeFunctionOnNextCall, what a long
 * report run does on its own now and then), on a column of whole numbers (DuckDB hands them over
 * as small integers) and on one of fractions. Prints the replicates' checksum when done.
 */
import { openStore } from '../../src/store/open-store.js';
import { bootstrapQuantiles } from '../../src/report/stats/bootstrap-quantile.js';
import { Rng } from '../../src/rng.js';

// V8 intrinsics, parsed at run time: the TypeScript transform would not accept `%` calls.
const optimize = new Function('f', '%PrepareFunctionForOptimization(f); %OptimizeFunctionOnNextCall(f);') as (f: unknown) => void;
const deoptimize = new Function('f', '%DeoptimizeFunction(f);') as (f: unknown) => void;

const store = await openStore(':memory:');
await store.run('CREATE TABLE t AS SELECT r % 4 AS g, (r * 7919 % 5003)::DOUBLE AS whole, (r * 7919 % 5003)::DOUBLE + 0.25 AS frac FROM range(4000) AS x(r)');
const targets = (column: string) => [0, 1, 2, 3].flatMap((g) => [0.5, 0.9].map((p) => ({ column, filter: `g = ${g}`, p })));
const rng = new Rng(1);
let sum = 0;
const rounds = Number(process.argv[2] ?? 12);
for (let r = 0; r < rounds; r++) {
  if (r % 2) optimize(bootstrapQuantiles);
  else deoptimize(bootstrapQuantiles);
  for (let k = 0; k < 6; k++) {
    const out = await bootstrapQuantiles({ store, from: 't', where: 'true' }, targets(k % 3 ? 'whole' : 'frac'), { resamples: 200, rng });
    for (const q of out) for (const x of q.replicates ?? []) sum += x;
  }
}
store.close();
process.stdout.write(`checksum ${sum}\n`);
