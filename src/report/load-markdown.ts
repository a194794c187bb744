/** summary.md of a load run: the arms and their frontier, the overhead intervals, the rig checks, every point. */
import { generatorLine, generatorSamplesLine, mockLine, type LoadSummaryJson } from './load-summary.js';
import { armsTable, markdownTable, overheadTable, pointsTable } from './load-tables.js';

export function loadMarkdown(s: LoadSummaryJson): string {
  const out: string[] = [`# ${s.scenario}: load`, ''];
  if (s.description) out.push(s.description.trim(), '');
  out.push(`Load run \`${s.load_run_id}\` · started ${s.started_at} · ${s.wall_s.toFixed(0)} s · load average before ${s.load_average.map((x) => x.toFixed(2)).join(' / ')}`, '');
  if (s.status === 'interrupted') out.push('> **Interrupted**: only the points measured before Ctrl-C are here.', '');
  for (const w of s.warnings) out.push(`> **Warning**: ${w}.`, '');
  const arms = armsTable(s);
  out.push('## Throughput frontier', '');
  if (arms.rows.length > 0) out.push(...markdownTable(arms, 2), '');
  for (const n of arms.notes) out.push(`- ${n}`);
  if (arms.notes.length > 0) out.push('');
  out.push(
    `Capacity: the most successful requests per second of any measured point with at most ${(s.max_error_rate * 100).toFixed(1)}% errors (drops count as errors). p99≤N ms: the most with p99 latency within N ms as well, from the closed-loop connection sweep (autocannon) and the open-loop rate sweep (latency from the scheduled send time) alike. CPU/req: the gateway process's CPU time per successful request; peak RSS: the highest resident memory sampled.`,
    '',
  );
  const overhead = overheadTable(s);
  if (overhead.rows.length > 0) {
    out.push('## Added latency (vs direct to the mock)', '', ...markdownTable(overhead, 3), '');
    out.push(
      'Each pair is one request straight to the mock and one through the arm, back to back, the order alternating; c workers run pairs at once. Added = statistic(arm) − statistic(direct) over the pairs where both succeeded, with a seeded bootstrap 95% interval over pairs ("no CI": too few pairs beyond that quantile). Stalls: gaps between stream chunks longer than the stall bound, direct/arm.',
      '',
    );
  }
  out.push('## The rig', '', `- ${mockLine(s)}`, `- ${generatorLine(s)}`, `- ${generatorSamplesLine(s)}`, ...s.notes.map((n) => `- Note: ${n}.`), '');
  out.push('## Every point', '', ...markdownTable(pointsTable(s), 3), '');
  return out.join('\n');
}
