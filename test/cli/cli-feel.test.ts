/**
 * The command line's manners: "did you mean" for commands and options, shell completion scripts,
 * colour only where wanted, the progress bar (percentage, rate, ETA) on a terminal and plain
 * lines in CI, and replay progress that moves within a batch.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { colourSummary, colourWanted, paint, stripColour } from '../../src/cli/colour.js';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { fractionDone, progressLine, progressReporter, progressTotal } from '../../src/cli/progress.js';
import { scheduleArrivals } from '../../src/engine/arrival-scheduler.js';
import type { TrafficRequest } from '../../src/traffic/traffic-request.js';

async function cli(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('did you mean', () => {
  it('`routebench help init` is `routebench init --help`', async () => {
    const [viaHelp, viaFlag] = [await cli('help', 'init'), await cli('init', '--help')];
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.out).toContain('--portkey');
    expect(viaHelp.out).toBe(viaFlag.out);
  });

  it('suggests the nearest command for a typo, exit 2', async () => {
    const r = await cli('rnu');
    expect(r.code).toBe(2);
    expect(r.err).toContain('did you mean `routebench run`?');
    expect(r.out).toBe('');
  });

  it("suggests the nearest of the command's options", async () => {
    const r = await cli('run', 'scenarios/quickstart.yaml', '--sed', '3');
    expect(r.code).toBe(2);
    expect(r.err).toContain('Unknown argument: sed');
    expect(r.err).toContain('did you mean --seed');
    expect(r.err).toContain('run `routebench run --help` for usage');
  });

  it('stays English (and keeps suggesting) under another locale', async () => {
    const saved = { LC_ALL: process.env.LC_ALL, LANG: process.env.LANG };
    process.env.LC_ALL = 'de_DE.UTF-8';
    process.env.LANG = 'de_DE.UTF-8';
    try {
      const r = await cli('rnu');
      expect(r.err).toContain('Unknown argument: rnu');
      expect(r.err).toContain('did you mean `routebench run`?');
      expect((await cli('--help')).out).toContain('Options:');
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
});

describe('completion', () => {
  it('bash: commands, each command its options and choices; valid bash', async () => {
    const r = await cli('completion', 'bash');
    expect(r.code).toBe(0);
    expect(r.out).toContain('complete -o default -F _routebench_complete routebench');
    expect(r.out).toMatch(/compgen -W "run replay .*init examples list completion/);
    const runOpts = /\n {4}run\)\n[\s\S]*?opts="([^"]*)"/.exec(r.out)?.[1]?.split(' ');
    expect(runOpts).toEqual(expect.arrayContaining(['--seed', '--example', '--json', '--shard']));
    expect(r.out).toContain('--transport) COMPREPLY=($(compgen -W "msw mock-server live" -- "$cur"))');
    execFileSync('bash', ['-n'], { input: r.out });
  });

  it('zsh: a compdef with described commands and _arguments per command', async () => {
    const r = await cli('completion', 'zsh');
    expect(r.code).toBe(0);
    expect(r.out.startsWith('#compdef routebench\n')).toBe(true);
    expect(r.out).toContain("'validate:check scenarios and their traces; report every problem'");
    expect(r.out).toContain("'--transport[msw in-process HTTP mocks; mock-server loopback HTTP; live real APIs]:transport:(msw mock-server live)'");
  });
});

describe('colour', () => {
  it('only on a terminal, never with NO_COLOR, forced with FORCE_COLOR', () => {
    expect(colourWanted(true, {})).toBe(true);
    expect(colourWanted(false, {})).toBe(false);
    expect(colourWanted(true, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted(true, { NO_COLOR: '' })).toBe(true);
    expect(colourWanted(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourWanted(true, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourWanted(true, { TERM: 'dumb' })).toBe(false);
    expect(paint({ ...memoryIo(), colour: true }).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(paint(memoryIo()).red('x')).toBe('x');
  });

  it('a summary table: statuses, failed thresholds and warnings coloured after the padding', () => {
    const c = paint({ ...memoryIo(), colour: true });
    const table = ['strategy  success  status', 'a          99.00%      ok', 'b          90.00%  thresholds_failed', 'warning: lag', 'thresholds failed:', '  ✗ b: success_rate > 0.95 (actual 0.9)'].join('\n');
    expect(colourSummary(table, c).split('\n')).toEqual([
      'strategy  success  status',
      'a          99.00%      \u001b[32mok\u001b[39m',
      'b          90.00%  \u001b[31mthresholds_failed\u001b[39m',
      '\u001b[33mwarning: lag\u001b[39m',
      '\u001b[31mthresholds failed:\u001b[39m',
      '\u001b[31m  ✗ b: success_rate > 0.95 (actual 0.9)\u001b[39m',
    ]);
    expect(stripColour(colourSummary(table, c))).toBe(table);
    expect(colourSummary(table, paint(memoryIo()))).toBe(table);
  });

  it('usage errors in a buffer carry no colour codes', async () => {
    expect((await cli('rnu')).err).not.toContain('\u001b[');
  });
});

describe('progress', () => {
  const p = (requests: number, trafficMs: number) => ({ scenario: 's', requests, trafficMs });
  const synthetic = (duration: number) => ({ synthetic: { duration } }) as unknown as Parameters<typeof progressTotal>[0];

  it('knows the total from the synthetic duration, a count or --limit (whichever ends first)', () => {
    expect(progressTotal(synthetic(60_000), { passes: 1 })).toEqual({ trafficMs: 60_000, requests: undefined, passes: 1 });
    const limited = progressTotal(synthetic(60_000), { limit: 100, passes: 1 });
    expect(fractionDone(p(50, 10_000), limited, 0)).toBe(0.5);
    expect(fractionDone(p(10, 45_000), limited, 0)).toBe(0.75);
    expect(fractionDone(p(10, 45_000), undefined, 0)).toBeUndefined();
  });

  it('a parallel suite: the share of finished runs', () => {
    expect(fractionDone({ ...p(900, 60_000), runsDone: 3, runsTotal: 8 }, undefined, 0)).toBe(0.375);
  });

  it('replay passes (one per strategy) share the bar', () => {
    const total = progressTotal(synthetic(60_000), { passes: 4 });
    expect(fractionDone(p(1, 30_000), total, 0)).toBe(0.125);
    expect(fractionDone(p(1, 30_000), total, 2)).toBe(0.625);
  });

  it('a line: bar, percentage, rate and ETA from the elapsed time', () => {
    const line = progressLine(p(5000, 30_000), 0.25, 10_000, 5000, true);
    expect(line).toBe('[s] ██████░░░░░░░░░░░░░░░░░░  25% · 5,000 req · 30s of traffic · 500 req/s · ETA 30s');
    expect(progressLine(p(5000, 30_000), undefined, 2000, 5000, true)).toBe('[s] 5,000 req · 30s of traffic · 2500 req/s');
  });

  it('rewrites one line on a terminal; plain lines in CI; nothing when piped or --quiet', () => {
    let now = 0;
    const clock = () => now;
    const feed = (r: ReturnType<typeof progressReporter>) => {
      r.begin(progressTotal(synthetic(60_000), { passes: 1 }));
      for (const t of [10_000, 20_000, 30_000]) {
        now += 6000;
        r.update(p(t / 10, t));
      }
      r.done();
    };
    const tty = memoryIo();
    tty.interactive = true;
    feed(progressReporter(tty, { quiet: false, force: false }, clock));
    expect(tty.stderr.split('\r\u001b[2K').filter(Boolean).map((l) => l.slice(0, 40))).toEqual(['[s] ████░░░░░░░░░░░░░░░░░░░░  16% · 1,00', '[s] ████████░░░░░░░░░░░░░░░░  33% · 2,00', '[s] ████████████░░░░░░░░░░░░  50% · 3,00']);
    const ci = memoryIo({ CI: 'true' });
    feed(progressReporter(ci, { quiet: false, force: false }, clock));
    expect(ci.stderr.split('\n').filter(Boolean)).toHaveLength(3);
    expect(ci.stderr).not.toContain('\r');
    expect(ci.stderr).not.toContain('█');
    const piped = memoryIo();
    feed(progressReporter(piped, { quiet: false, force: false }, clock));
    expect(piped.stderr).toBe('');
    const quiet = memoryIo({ CI: 'true' });
    quiet.interactive = true;
    feed(progressReporter(quiet, { quiet: true, force: true }, clock));
    expect(quiet.stderr).toBe('');
  });

  it('replay: the scheduler reports progress within a batch, not only at its end', async () => {
    let now = 0;
    const realNow = () => (now += 30);
    const batch = Array.from({ length: 50 }, (_, i) => ({ index: i, arrivalMs: i * 100 }) as unknown as TrafficRequest);
    const seen: number[] = [];
    async function* one() {
      yield batch;
    }
    await scheduleArrivals(one(), { realAt: () => 0, arrive: () => undefined }, realNow, undefined, (last) => seen.push(last.index));
    expect(seen.length).toBeGreaterThan(10);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(49);
  });
});

describe('--json: one JSON document on stdout, nothing else', () => {
  it('replay --dry-run --json: { dry_run, scenarios: [...] }, also when a live run could not start', async () => {
    const r = await cli('replay', '--example', 'quickstart', '--transport', 'live', '--dry-run', '--json', '--limit', '200');
    expect(r.code).toBe(2); // the example's targets have no live: blocks (said on stderr and in live_problems)
    const json = JSON.parse(r.out) as { dry_run: boolean; scenarios: { scenario: string; requests: number; min_cost_usd: number; max_cost_usd: number; live_problems: string[] }[] };
    expect(json.dry_run).toBe(true);
    expect(json.scenarios.map((s) => [s.scenario, s.requests])).toEqual([['quickstart', 200]]);
    expect(json.scenarios[0]!.live_problems).toEqual([expect.stringMatching(/needs targets\.<id>\.live/)]);
    expect(json.scenarios[0]!.min_cost_usd).toBeLessThan(json.scenarios[0]!.max_cost_usd);
  });

  it('examples --json: { scenarios: [...] } with every bundled example', async () => {
    const r = await cli('examples', '--json');
    expect(r.code).toBe(0);
    const names = (JSON.parse(r.out) as { scenarios: { name: string }[] }).scenarios.map((s) => s.name);
    expect(names).toContain('quickstart');
    expect(names).toContain('gateway-overhead');
  });

  it('without scenarios/, run and validate point at init and --example (exit 2)', async () => {
    const cwd = process.cwd();
    const { mkdtempSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const empty = mkdtempSync(path.join(os.tmpdir(), 'routebench-empty-'));
    process.chdir(empty);
    try {
      for (const command of ['run', 'validate']) {
        const r = await cli(command);
        expect(r.code).toBe(2);
        expect(r.err).toContain('`routebench init`');
        expect(r.err).toContain('`routebench run --example quickstart`');
      }
    } finally {
      process.chdir(cwd);
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
