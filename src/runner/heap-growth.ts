/**
 * How far V8 lets a heap's old generation grow past what survived its last full collection
 * before collecting again, while `routebench run` simulates. V8 picks the factor itself (up to 4×
 * on a small heap that it sees collecting fast), and a simulate worker's old generation is mostly
 * garbage: objects that outlive its small young generation (SIM_WORKER_HEAP) die soon after.
 * Measured streaming 2M requests of a JSONL trace through fallback (the stream-10m-rss bench's
 * scenario, the built package): the worker's old generation grew to 65 MB with ~30 MB live,
 * and the process peaked at 320-331 MB of RSS; at 2× it peaked at 280-290 MB, for the same CPU
 * (user 15.9-23.5 s against 16.1-22.0 s, five interleaved runs each on a busy machine); on
 * Node 24, 343 -> 302 MB. (On Node 24 the flag also lets a thread's young generation grow when
 * nothing caps it; a simulate worker's is capped.)
 *
 * The flag is process-wide and V8 reads it at every collection, so it is set by the command that
 * owns the process (cli/commands/run.ts), not by the library API.
 * (`node --v8-options`: --heap-growing-percent, "specifies heap growing factor as
 * (1 + heap_growing_percent/100)"; https://nodejs.org/api/v8.html#v8setflagsfromstringflags.)
 */
import v8 from 'node:v8';

/** The old generation may grow to (1 + this / 100) × its live size before a full collection. */
export const SIMULATE_HEAP_GROWING_PERCENT = 100;

export function boundHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${SIMULATE_HEAP_GROWING_PERCENT}`);
}
