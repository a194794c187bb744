/** The terminal rendering of a load run: arms with capacity and frontier, overhead rows, rig lines, warnings. */
import { generatorLine, mockLine, type LoadSummaryJson } from '../report/load-summary.js';
import { alignTable, armsTable, overheadTable } from '../report/load-tables.js';

export function formatLoadTable(s: LoadSummaryJson, reportDir: string): string {
  const out: string[] = [`${s.scenario}: load run ${s.load_run_id}${s.status === 'interrupted' ? ' (INTERRUPTED)' : ''}, ${s.wall_s.toFixed(0)} s`];
  const arms = armsTable(s);
  if (arms.rows.length > 0) out.push(...alignTable(arms, 2));
  out.push(...arms.notes);
  out.push(`capacity: the most successful req/s of any point with < ${(s.max_error_rate * 100).toFixed(1)}% errors; p99≤N ms: the most with p99 within N ms too (closed and open loop)`);
  const overhead = overheadTable(s);
  if (overhead.rows.length > 0) out.push('', 'added latency vs direct (paired, interleaved rounds; [95% bootstrap CI over pairs]):', ...alignTable(overhead, 3));
  out.push('', mockLine(s), generatorLine(s));
  for (const n of s.notes) out.push(`note: ${n}`);
  for (const w of s.warnings) out.push(`warning: ${w}`);
  out.push(`report: ${reportDir}/index.html`);
  return out.join('\n');
}
