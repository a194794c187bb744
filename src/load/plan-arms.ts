/**
 * The arms of a load run, checked before anything starts: a direct arm names a scenario target,
 * a serve arm a scenario strategy, an external arm a gateway URL (from the scenario or an
 * environment variable; skipped, and said so, when the variable is unset) that must be on
 * loopback unless `--allow-remote`. Overhead is measured against the first direct arm, so arms
 * that go through a gateway need one. Every problem is reported at once, located in the file.
 */
import { inputError, type Problem } from '../errors.js';
import type { ScenarioPlan } from '../engine/plan-scenario.js';
import { problemAt } from '../scenario/load-scenario.js';
import type { LoadSpec } from '../scenario/schema-load.js';
import { resolveGatewayEndpoint } from '../transport/gateway-endpoint.js';
import { assertLoopback } from './loopback.js';

export type ArmKind = 'direct' | 'serve' | 'external';

export interface ArmPlan {
  name: string;
  kind: ArmKind;
  dialect: 'openai' | 'anthropic';
  model: string;
  /**
   * The model the routebench marker names (`m=`, header `x-routebench-model`), as replay does: on
   * gateway arms (serve, external: a gateway may send its upstream another model name, and the mock
   * behind it draws from the asked model's behaviour) and on a direct arm whose target mocks models
   * of its own (`mock.models`); undefined otherwise (the mock draws from the target's own behaviour).
   */
  markerModel?: string;
  headers: Record<string, string>;
  /** Header values from the environment: never written anywhere. */
  secrets: string[];
  /** direct: the target id. */
  target?: string;
  /** serve: the strategy label. */
  strategy?: string;
  /** external: known now; direct and serve: once their process listens. */
  baseUrl?: string;
  /** The gateway's process, for CPU and RSS (external: --pid; serve: its child). */
  pid?: number;
}

export interface PlannedArms {
  arms: ArmPlan[];
  skipped: { arm: string; reason: string }[];
}

export interface ArmOptions {
  env: Readonly<Record<string, string | undefined>>;
  allowRemote: boolean;
  /** Only these arms (the direct baseline is kept when a gateway arm needs it). */
  only?: readonly string[];
  /** `--pid`: a pid for every external arm, or `arm=pid`. */
  pids?: readonly string[];
}

export function planArms(plan: ScenarioPlan, spec: LoadSpec, o: ArmOptions): PlannedArms {
  const loaded = plan.loaded;
  const problems: Problem[] = [];
  const at = (name: string, key: string, message: string) => problems.push(problemAt(loaded, ['load', 'arms', name, key], message));
  const targets = new Map(plan.targets.map((t) => [t.id, t]));
  const entries = Object.entries(spec.arms);
  for (const name of o.only ?? []) if (!spec.arms[name]) problems.push({ file: loaded.file, path: 'load.arms', message: `--arm ${name}: no such arm (arms: ${entries.map(([n]) => n).join(', ')})` });
  const firstDirect = entries.find(([, a]) => a.target !== undefined);
  const defaultModel = (firstDirect && targets.get(firstDirect[1].target!)?.model) ?? plan.targets[0]!.model;
  const pids = parsePids(o.pids ?? [], entries.filter(([, a]) => a.url !== undefined || a.url_env !== undefined).map(([n]) => n), loaded.file, problems);

  const arms: ArmPlan[] = [];
  const skipped: PlannedArms['skipped'] = [];
  for (const [name, a] of entries) {
    const base = { name, model: a.model ?? defaultModel, headers: {} as Record<string, string>, secrets: [] as string[] };
    if (a.target !== undefined) {
      const t = targets.get(a.target);
      if (!t) at(name, 'target', `unknown target "${a.target}" (targets: ${[...targets.keys()].join(', ')})`);
      else {
        const model = a.model ?? t.model;
        arms.push({ ...base, kind: 'direct', dialect: a.dialect ?? t.dialect, model, markerModel: t.models === undefined ? undefined : model, target: a.target });
      }
    } else if (a.strategy !== undefined) {
      if (!plan.loaded.scenario.strategies[a.strategy]) at(name, 'strategy', `unknown strategy "${a.strategy}" (strategies: ${Object.keys(plan.loaded.scenario.strategies).join(', ')})`);
      else arms.push({ ...base, kind: 'serve', dialect: a.dialect ?? 'openai', markerModel: base.model, strategy: a.strategy });
    } else {
      const endpoint = resolveGatewayEndpoint({ url: a.url, url_env: a.url_env, dialect: a.dialect ?? 'openai', headers: a.headers }, loaded.dir, o.env);
      if (!endpoint) {
        skipped.push({ arm: name, reason: `${a.url_env} is not set (export ${a.url_env}=http://127.0.0.1:8787/v1, or wherever your gateway listens, to load it)` });
        continue;
      }
      assertLoopback(name, endpoint.baseUrl, o.allowRemote);
      arms.push({ ...base, kind: 'external', dialect: endpoint.dialect, markerModel: base.model, headers: endpoint.headers, secrets: endpoint.secrets, baseUrl: endpoint.baseUrl, pid: pids.get(name) });
    }
  }
  if (arms.some((a) => a.kind !== 'direct') && !arms.some((a) => a.kind === 'direct'))
    problems.push(problemAt(loaded, ['load', 'arms'], 'gateway arms are compared with a direct arm: add one, e.g. `direct: { target: <a target> }`'));
  if (problems.length > 0) throw inputError('LOAD_INVALID', `${loaded.file}: the load section has problems`, problems);

  const baseline = arms.find((a) => a.kind === 'direct');
  const wanted = (a: ArmPlan) => !o.only || o.only.length === 0 || o.only.includes(a.name) || (a === baseline && arms.some((b) => b.kind !== 'direct' && o.only!.includes(b.name)));
  return { arms: arms.filter(wanted), skipped: skipped.filter((s) => !o.only || o.only.length === 0 || o.only.includes(s.arm)) };
}

function parsePids(given: readonly string[], externals: string[], file: string, problems: Problem[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const g of given) {
    const m = /^(?:([A-Za-z0-9._-]+)=)?(\d+)$/.exec(g.trim());
    if (!m) {
      problems.push({ file, path: '', message: `--pid ${g}: give a process id, or arm=pid` });
      continue;
    }
    const pid = Number(m[2]);
    // Its CPU and RSS are read from /proc/<pid> during the run: a pid that is not running would give none, silently.
    if (!processRuns(pid)) {
      problems.push({ file, path: '', message: `--pid ${g}: no process ${pid} is running; give your gateway's process id (e.g. from \`pgrep -f <gateway>\`)` });
      continue;
    }
    const names = m[1] ? [m[1]] : externals;
    if (m[1] && !externals.includes(m[1])) problems.push({ file, path: '', message: `--pid ${g}: ${m[1]} is not an external arm (external arms: ${externals.join(', ') || 'none'})` });
    for (const n of names) out.set(n, pid);
  }
  return out;
}

/** Whether a process with this id exists (signal 0 checks without signalling; EPERM: it exists, owned by someone else). */
function processRuns(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid < 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
