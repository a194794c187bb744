/**
 * Opens a generated HTML report in a real headless Chromium (a system one, or the one shipped in
 * the @sparticuz/chromium npm package; driven by playwright-core) and checks that every chart
 * rendered, offline, without console errors.
 * Keeps a screenshot in test-results/report.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write-report.js';
import { findChromium } from '../helpers/chromium.js';
import { runYaml, twoTargetYaml } from '../helpers/run-yaml.js';

// A system Chromium/Chrome, else the one inside the @sparticuz/chromium npm package; a loud skip
// only where neither exists (test/helpers/chromium.ts).
const found = await findChromium();
if ('skip' in found) console.warn(`\n*** SKIPPING the real-browser report test: ${found.skip} ***\n`);
const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-browser-'));
let browser: Browser;

beforeAll(async () => {
  if ('skip' in found) return;
  browser = await chromium.launch({ executablePath: found.path, args: found.args, headless: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf('skip' in found)(`HTML report in a browser${'skip' in found ? ` (SKIPPED: ${found.skip})` : ` (${found.source})`}`, () => {
  it('renders every chart offline with no console errors', async () => {
    const { store, result } = await runYaml(
      twoTargetYaml({
        count: 3000,
        a: '{ profile: flaky }',
        strategies: `  single: { use: single, options: { target: a } }\n  fallback: { use: fallback, options: { targets: [a, b] } }\n  hedge: { use: hedge, options: { targets: [a, b] } }`,
        incidents: '[{ kind: outage, targets: [a], start: 30s, duration: 20s }]',
      }),
    );
    const report = await writeReport(store, { ...result, traffic: result.trafficDescription }, dir);
    store.close();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(String(e)));
    // offline: any network request fails the test
    await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : (problems.push(`network: ${route.request().url()}`), route.abort())));
    await page.goto(pathToFileURL(path.join(report.dir, 'index.html')).href);
    await page.waitForSelector('body[data-charts-rendered]', { timeout: 30_000 });
    const charts = await page.$$eval('div.vega', (divs) => divs.map((d) => ({ id: d.id, rendered: d.getAttribute('data-rendered'), svg: d.querySelector('svg') !== null, marks: d.querySelectorAll('svg .mark-line path, svg .mark-area path, svg .mark-rect path, svg .mark-symbol path').length })));
    expect(charts.map((c) => c.id)).toEqual(['latency-cdf', 'cost-vs-latency', 'over-time', 'target-share', 'attempts', 'error-kinds', 'spend-per-tag']);
    for (const c of charts) {
      expect(c, c.id).toMatchObject({ rendered: 'true', svg: true });
      expect(c.marks, `${c.id} draws marks`).toBeGreaterThan(0);
    }
    expect(await page.$$eval('#summary tbody tr', (rows) => rows.length)).toBe(3);
    expect(await page.$$eval('#summary td.win', (cells) => cells.length)).toBeGreaterThan(0);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/report.png', fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
