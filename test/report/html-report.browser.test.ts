/**
 * Opens generated reports in a real headless Chromium (found by test/helpers/chromium.ts: a system
 * browser, else the one in the @sparticuz/chromium npm package) driven by playwright-core, offline:
 * every chart renders, no text inside a chart overlaps another text (bounding boxes from the
 * browser's own layout), no request leaves the machine, no console error; "best in column" skips the
 * strategy that drops requests; the suite page links every scenario page. Screenshots of each page
 * are kept in test-results/screenshots/ (git-ignored) for a person to look at.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write-report.js';
import { suiteEntries, writeSuite } from '../../src/report/write-suite.js';
import { parseRegressionBudget } from '../../src/report/regression-budget.js';
import { openStore } from '../../src/store/open-store.js';
import { findChromium } from '../helpers/chromium.js';
import { runYaml, testEnv, twoTargetYaml } from '../helpers/run-yaml.js';

const found = await findChromium();
const SHOTS = path.join('test-results', 'screenshots');
const dir = mkdtempSync(path.join(os.tmpdir(), 'routebench-browser-'));
let browser: Browser;
let scenarioPage: string;
let suitePage: string;

const yaml = (seed: number) =>
  twoTargetYaml({
    seed,
    count: 3000,
    a: '{ profile: flaky }',
    strategies: `  single: { use: single, options: { target: a } }\n  fallback: { use: fallback, options: { targets: [a, b] } }\n  hedge: { use: hedge, options: { targets: [a, b] } }`,
    incidents: '[{ kind: outage, targets: [a], start: 30s, duration: 20s }]',
  });

beforeAll(async () => {
  if ('skip' in found) return;
  browser = await chromium.launch({ executablePath: found.path, args: found.args });
  // Two run groups at two commits, so the history chart has something to draw.
  const store = await openStore(':memory:');
  await runYaml(yaml(2), { store, runGroup: 't-old', env: { ...testEnv, gitCommit: 'aaaaaaa', wallClock: () => new Date(Date.UTC(2026, 0, 1)) } });
  const { result } = await runYaml(yaml(1), { store, runGroup: 't-new', env: { ...testEnv, gitCommit: 'bbbbbbb', wallClock: () => new Date(Date.UTC(2026, 0, 2)) } });
  const report = await writeReport(store, { ...result, traffic: result.trafficDescription }, dir, {
    resamples: 200,
    history: { groups: 10, budget: parseRegressionBudget(['success_rate=0.1pp', 'p95_latency_ms=5%', 'cost=2%']) },
  });
  scenarioPage = path.join(report.dir, 'index.html');
  suitePage = writeSuite(dir, await suiteEntries(store, dir, [{ dir: report.dir, json: report.json }]), 'test').html;
  store.close();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a page offline: any request that is not a local file fails the test. */
async function open(file: string, problems: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : (problems.push(`network: ${route.request().url()}`), route.abort())));
  await page.goto(pathToFileURL(path.resolve(file)).href);
  return page;
}

describe.skipIf('skip' in found)(`HTML reports in a browser${'skip' in found ? ` (skipped: ${found.skip})` : ''}`, () => {
  it('renders every chart offline, with no overlapping text and best-in-column among eligible strategies', async () => {
    const problems: string[] = [];
    const page = await open(scenarioPage, problems);
    await page.waitForSelector('body[data-charts-rendered]', { timeout: 60_000 });
    const charts = await page.$$eval('div.vega', (divs) =>
      divs.map((d) => ({ id: d.id, rendered: d.getAttribute('data-rendered'), svg: d.querySelector('svg') !== null, marks: d.querySelectorAll('svg .mark-line path, svg .mark-area path, svg .mark-rect path, svg .mark-symbol path, svg .mark-rule line').length })),
    );
    expect(charts.map((c) => c.id)).toEqual(['latency-shift', 'cost-vs-latency', 'over-time', 'target-share', 'attempts', 'error-kinds', 'spend-per-tag', 'history']);
    for (const c of charts) {
      expect(c, c.id).toMatchObject({ rendered: 'true', svg: true });
      expect(c.marks, `${c.id} draws marks`).toBeGreaterThan(0);
    }
    // No text overlaps another text inside any chart, by the browser's own layout of the SVG.
    const overlaps = await page.$$eval('div.vega', (divs) =>
      divs.flatMap((d) => {
        const boxes = [...d.querySelectorAll('svg text')]
          .filter((t) => (t.textContent ?? '').trim() !== '' && (globalThis as unknown as { getComputedStyle(e: unknown): { visibility: string } }).getComputedStyle(t).visibility !== 'hidden' && Number(t.getAttribute('opacity') ?? 1) > 0)
          .map((t) => ({ text: t.textContent!, r: t.getBoundingClientRect() }))
          .filter((b) => b.r.width > 0 && b.r.height > 0);
        const out: string[] = [];
        for (let i = 0; i < boxes.length; i++)
          for (let j = 0; j < i; j++) {
            const [a, b] = [boxes[i]!.r, boxes[j]!.r];
            const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (dx > 1 && dy > 1) out.push(`${d.id}: "${boxes[i]!.text}" overlaps "${boxes[j]!.text}"`);
          }
        return out;
      }),
    );
    expect(overlaps).toEqual([]);
    // The flaky single target drops requests: it may be fastest, but never "best" in a column.
    const rows = await page.$$eval('#summary tbody tr', (trs) => trs.map((tr) => ({ name: tr.querySelector('b')!.textContent, wins: tr.querySelectorAll('td.win').length })));
    expect(rows.map((r) => r.name)).toEqual(['single', 'fallback', 'hedge']);
    expect(rows[0]!.wins).toBe(0);
    expect(rows[1]!.wins + rows[2]!.wins).toBeGreaterThan(0);
    expect(await page.textContent('#summary + p.note')).toMatch(/^Green: the best value in its column among the strategies (that meet|whose success rate)/);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'scenario.png'), fullPage: true });
    for (const c of charts) await (await page.$(`#${c.id}`))!.screenshot({ path: path.join(SHOTS, `chart-${c.id}.png`) });
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('the suite page lists the scenario and links to its page', async () => {
    const problems: string[] = [];
    const page = await open(suitePage, problems);
    expect(await page.$$eval('#suite tbody tr', (trs) => trs.length)).toBe(1);
    expect(await page.textContent('#suite tbody tr td:nth-child(4)')).toMatch(/^(fallback|hedge) \(/);
    await page.screenshot({ path: path.join(SHOTS, 'suite.png'), fullPage: true });
    await Promise.all([page.waitForNavigation(), page.click('#suite a')]);
    expect(page.url()).toBe(pathToFileURL(path.resolve(scenarioPage)).href);
    await page.waitForSelector('body[data-charts-rendered]', { timeout: 60_000 });
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
