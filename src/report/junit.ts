/**
 * JUnit XML for CI test reporters: one test suite per scenario, one test case per strategy ×
 * threshold, plus one per run that must have completed (an interrupted or errored run fails it),
 * and one for a scenario's backtest (its `backtest:` block): failed out of tolerance, as `run`
 * exits 3 for it, skipped when not judged.
 */
import type { ThresholdResult } from './thresholds.js';

export interface JunitScenario {
  scenario: string;
  runGroup: string;
  runs: readonly { strategy: string; runId: string; status: string; thresholds: readonly ThresholdResult[] }[];
  /** The deployed strategy's backtest; `verdict` as `run` prints it (backtestVerdict). */
  backtest?: { strategy: string; pass: boolean; judged: boolean; verdict: string };
}

const xml = (s: unknown) => String(s).replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

export function junitXml(scenarios: readonly JunitScenario[]): string {
  let tests = 0;
  let failures = 0;
  const suites = scenarios.map((s) => {
    const cases: string[] = [];
    let suiteFailures = 0;
    let skipped = 0;
    for (const run of s.runs) {
      const completed = run.status === 'ok' || run.status === 'thresholds_failed';
      cases.push(
        `    <testcase classname="${xml(s.scenario)}.${xml(run.strategy)}" name="${xml(run.strategy)}: run completed" time="0">${
          completed ? '' : `\n      <failure message="run ${xml(run.status)}" type="${xml(run.status)}">run ${xml(run.runId)} ended with status ${xml(run.status)}</failure>\n    `
        }</testcase>`,
      );
      if (!completed) suiteFailures++;
      for (const t of run.thresholds) {
        const name = `${run.strategy}: ${t.metric} ${t.threshold}`;
        const actual = t.actual === null ? 'no data' : String(+t.actual.toPrecision(6));
        cases.push(
          `    <testcase classname="${xml(s.scenario)}.${xml(run.strategy)}" name="${xml(name)}" time="0">${
            t.passed ? '' : `\n      <failure message="${xml(`${t.metric} ${t.threshold}: actual ${actual}`)}" type="threshold">${xml(`${t.metric} ${t.threshold} failed: actual ${actual} (run ${run.runId})`)}</failure>\n    `
          }</testcase>`,
        );
        if (!t.passed) suiteFailures++;
      }
    }
    const bt = s.backtest;
    if (bt) {
      const said = xml(`backtest of ${bt.strategy} against the recording: ${bt.verdict}`);
      cases.push(
        `    <testcase classname="${xml(s.scenario)}.${xml(bt.strategy)}" name="${xml(bt.strategy)}: backtest against the recording" time="0">${
          !bt.judged ? `\n      <skipped message="${xml(bt.verdict)}"/>\n    ` : bt.pass ? '' : `\n      <failure message="${said}" type="backtest">${said} (run group ${xml(s.runGroup)}, backtest.md beside its report)</failure>\n    `
        }</testcase>`,
      );
      if (!bt.judged) skipped++;
      else if (!bt.pass) suiteFailures++;
    }
    tests += cases.length;
    failures += suiteFailures;
    return `  <testsuite name="${xml(s.scenario)}" tests="${cases.length}" failures="${suiteFailures}" errors="0" skipped="${skipped}" time="0">\n    <properties><property name="run_group" value="${xml(s.runGroup)}"/></properties>\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="routebench" tests="${tests}" failures="${failures}" errors="0" time="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
