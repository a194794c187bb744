/**
 * Test helper: runs action.yml's composite steps on this machine the way a GitHub runner would,
 * for the parts that are ours. `run:` steps go to bash with their `env:`, in their
 * `working-directory`, with GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STEP_SUMMARY files read back
 * between steps; `if:` and `${{ }}` are evaluated for the expression forms action.yml uses
 * (context paths, string literals, ==, !=, &&, ||, parentheses). `uses:` steps are emulated:
 * setup-node is skipped, upload-artifact copies into an artifact store, download-artifact copies
 * back out of it by name pattern.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  if?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'working-directory'?: string;
}

export interface ActionRun {
  outputs: Record<string, Record<string, string>>;
  summary: string;
  /** Exit code of the first failing step, else 0. */
  code: number;
  log: string;
}

type Ctx = Record<string, unknown>;

function lookup(ctx: Ctx, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), ctx);
}

/** Evaluates one expression (the inside of `${{ }}` or an `if:`). */
export function evaluate(expr: string, ctx: Ctx): unknown {
  const tokens = [...expr.matchAll(/\s*('(?:[^']|'')*'|==|!=|&&|\|\||\(|\)|[A-Za-z_][\w.-]*)/g)].map((m) => m[1]!);
  let i = 0;
  const truthy = (v: unknown) => v !== undefined && v !== null && v !== false && v !== '' && v !== 0;
  const primary = (): unknown => {
    const t = tokens[i++]!;
    if (t === '(') {
      const v = or();
      i++;
      return v;
    }
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (t === 'true' || t === 'false') return t === 'true';
    return lookup(ctx, t);
  };
  const cmp = (): unknown => {
    let v = primary();
    while (tokens[i] === '==' || tokens[i] === '!=') {
      const op = tokens[i++];
      const r = primary();
      const eq = String(v ?? '').toLowerCase() === String(r ?? '').toLowerCase();
      v = op === '==' ? eq : !eq;
    }
    return v;
  };
  const and = (): unknown => {
    let v = cmp();
    while (tokens[i] === '&&') {
      i++;
      const r = cmp();
      v = truthy(v) ? r : v;
    }
    return v;
  };
  const or = (): unknown => {
    let v = and();
    while (tokens[i] === '||') {
      i++;
      const r = and();
      v = truthy(v) ? v : r;
    }
    return v;
  };
  return or();
}

export const interpolate = (text: string, ctx: Ctx) => text.replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_, e: string) => String(evaluate(e, ctx) ?? ''));

const readKv = (file: string) =>
  Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

/** bash with the runner's flags; async, so servers in this process (the fake GitHub API) keep answering. */
function bash(script: string, cwd: string, env: Record<string, string | undefined>): Promise<{ status: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? 1, output });
    });
  });
}

export async function runAction(o: {
  actionFile: string;
  with: Record<string, string>;
  github: Record<string, unknown>;
  workspace: string;
  artifacts: string;
  env: Record<string, string>;
  scratch: string;
}): Promise<ActionRun> {
  const action = parse(readFileSync(o.actionFile, 'utf8')) as { inputs: Record<string, { default?: string }>; runs: { steps: Step[] } };
  const ctx: Ctx = { github: o.github, steps: {} as Record<string, { outputs: Record<string, string> }> };
  ctx.inputs = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, o.with[k] ?? interpolate(String(v.default ?? ''), ctx)]));
  mkdirSync(o.scratch, { recursive: true });
  const summaryFile = path.join(o.scratch, 'step-summary.md');
  const envFile = path.join(o.scratch, 'github-env');
  writeFileSync(summaryFile, '');
  writeFileSync(envFile, '');
  const outputs: Record<string, Record<string, string>> = {};
  let code = 0;
  let log = '';
  for (const [n, step] of action.runs.steps.entries()) {
    if (code !== 0 || (step.if !== undefined && !evaluate(step.if, ctx))) continue;
    const cwd = path.resolve(o.workspace, interpolate(step['working-directory'] ?? '.', ctx));
    if (step.uses) {
      const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)]));
      if (step.uses.startsWith('actions/upload-artifact')) {
        const paths = w.path!.split('\n').map((p) => p.trim()).filter(Boolean).map((p) => path.resolve(o.workspace, p));
        const dest = path.join(o.artifacts, w.name!);
        const base = paths.length === 1 ? paths[0]! : o.workspace;
        for (const p of paths) if (existsSync(p)) cpSync(p, path.join(dest, path.relative(base, p)), { recursive: true });
      } else if (step.uses.startsWith('actions/download-artifact')) {
        const re = new RegExp(`^${w.pattern!.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
        for (const name of readdirSync(o.artifacts).filter((x) => re.test(x))) cpSync(path.join(o.artifacts, name), path.join(path.resolve(o.workspace, w.path!), name), { recursive: true });
      }
      continue;
    }
    const outFile = path.join(o.scratch, `output-${n}`);
    writeFileSync(outFile, '');
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx)]));
    const r = await bash(interpolate(step.run!, ctx), cwd, { ...o.env, ...readKv(envFile), ...stepEnv, GITHUB_OUTPUT: outFile, GITHUB_ENV: envFile, GITHUB_STEP_SUMMARY: summaryFile });
    log += `--- ${step.name ?? step.id ?? n}\n${r.output}`;
    if (step.id) {
      outputs[step.id] = readKv(outFile);
      (ctx.steps as Record<string, unknown>)[step.id] = { outputs: outputs[step.id] };
    }
    if (r.status !== 0) code = r.status;
  }
  return { outputs, summary: readFileSync(summaryFile, 'utf8'), code, log };
}
