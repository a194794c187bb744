/** Where the real-browser test gets its Chromium (test/helpers/chromium.ts), and when it skips. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findChromium, systemChromium } from '../helpers/chromium.js';

describe('Chromium for the browser tests', () => {
  it('CHROMIUM_PATH wins over the usual install paths', () => {
    expect(systemChromium({ CHROMIUM_PATH: '/opt/my/chrome' }, 'linux')).toBe('/opt/my/chrome');
  });

  it('a platform with no system browser and no npm build: a skip with the reason', async () => {
    const found = await findChromium({ PATH: '' }, 'freebsd', 'x64');
    expect(found).toEqual({ skip: expect.stringContaining('@sparticuz/chromium ships Linux x64 only (this is freebsd/x64)') });
  });

  it('ROUTEBENCH_CHROMIUM names a binary, or a missing one is said', async () => {
    expect(await findChromium({ ROUTEBENCH_CHROMIUM: '/no/such/chrome' })).toEqual({ skip: 'ROUTEBENCH_CHROMIUM=/no/such/chrome: no such file' });
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')('ROUTEBENCH_CHROMIUM=none takes the Chromium shipped in the npm package', async () => {
    const found = await findChromium({ ROUTEBENCH_CHROMIUM: 'none' });
    expect('path' in found && found.source).toBe('@sparticuz/chromium (npm)');
    expect('path' in found && existsSync(found.path)).toBe(true);
  }, 120_000);
});
