import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('typescript', () => {
  it('type-checks src, test and bench under strict settings', () => {
    let output = '';
    try {
      execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit'], { stdio: 'pipe', timeout: 120_000 });
    } catch (e) {
      output = String((e as { stdout?: Buffer }).stdout ?? e);
    }
    expect(output).toBe('');
  });
});
