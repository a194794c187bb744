/**
 * `routebench init`: scaffolds routebench in the current repository (scenarios/<name>.yaml using
 * the team's gateway config, traces/README.md, .github/workflows/routebench.yml). Finds a Portkey,
 * LiteLLM or OpenRouter config by its usual file names, or takes the one named. Never overwrites
 * a file without --force: it lists the files in the way and exits 2.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { environmentError, ExitCode, inputError, type Problem } from '../../errors.js';
import { checkScenario } from '../check-scenario.js';
import { displayPath } from '../../scenario/config-file.js';
import { findGatewayConfigs, GATEWAY_KINDS, looksLike, notOne, readConfig, readConfigObject, type GatewayKind, type PassedOver, A_KIND } from '../../init/find-gateway-config.js';
import { gatewayPlan } from '../../init/gateway-targets.js';
import { scaffoldFiles, type ScaffoldInput } from '../../init/scaffold.js';
import { packageRoot } from '../../package-files.js';
import { defaultPrices } from '../../providers/prices.js';
import { ensureWritableFolder, type Io } from '../io.js';
import { makeFolders } from '../../make-folders.js';

export interface InitArgs {
  portkey?: string;
  litellm?: string;
  openrouter?: string;
  name?: string;
  model?: string;
  dir: string;
  force: boolean;
}

export function initBuilder(y: Argv): Argv<InitArgs> {
  return y
    .option('portkey', { type: 'string', describe: 'your Portkey config (JSON), e.g. --portkey config.json' })
    .option('litellm', { type: 'string', describe: 'your LiteLLM proxy config (YAML), e.g. --litellm config.yaml' })
    .option('openrouter', { type: 'string', describe: 'your OpenRouter provider-routing object (JSON), e.g. --openrouter provider.json' })
    .option('name', { type: 'string', describe: "scenario name, scenarios/<name>.yaml (default: the config's kind, or fallback)" })
    .option('model', { type: 'string', describe: 'OpenRouter: the model requested, when the config file names none (default gpt-4o-mini)' })
    .option('dir', { type: 'string', default: '.', describe: 'the repository to scaffold in' })
    .option('force', { type: 'boolean', default: false, describe: 'overwrite files that already exist' }) as unknown as Argv<InitArgs>;
}

/** The action's inputs: from action.yml beside the package when it ships one, else the documented set. */
function actionInputs(): string[] {
  const file = path.join(packageRoot(), 'action.yml');
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    const block = /^inputs:\n((?:[ \t]+.*\n|\n)*)/m.exec(text)?.[1] ?? '';
    const names = [...block.matchAll(/^ {2}([\w-]+):/gm)].map((m) => m[1]!);
    if (names.length > 0) return names;
  }
  return ['scenarios', 'shards', 'regression-budget', 'github-token'];
}

function chosenConfig(args: InitArgs, root: string, io: Io): { kind: GatewayKind; file: string } | undefined {
  const named = GATEWAY_KINDS.filter((k) => args[k] !== undefined);
  if (named.length > 1) throw inputError('INIT_CONFIGS', `give one gateway config, not ${named.map((k) => `--${k}`).join(' and ')}`, [], 'run init once per config with a different --name');
  if (named.length === 1) {
    const kind = named[0]!;
    const file = path.resolve(args[kind]!);
    if (!existsSync(file)) throw inputError('INIT_CONFIG_MISSING', `--${kind} ${args[kind]}: no such file`);
    const r = readConfig(file, kind);
    if (!('object' in r) || !looksLike(kind, r.object))
      throw inputError('INIT_CONFIG_KIND', `--${kind} ${args[kind]}: ${'why' in r ? r.why : `does not look like a ${kind} config`}`, [{ file: args[kind]!, path: '', message: 'why' in r ? r.why : notOne(kind, r.object).replace(/^does not look like one \((.*)\)$/, '$1') }]);
    return { kind, file };
  }
  const passedOver: PassedOver[] = [];
  const found = findGatewayConfigs(root, passedOver);
  for (const p of passedOver) io.err(`passed over ${p.file}: named like ${A_KIND[p.kind]} config, but it ${p.why}; fix it, or name a config with --${p.kind} <file>\n`);
  if (found.length > 1) io.err(`found ${found.length} gateway configs (${found.map((f) => f.file).join(', ')}); using ${found[0]!.file} (name another with --${GATEWAY_KINDS.join(', --')})\n`);
  return found[0] ? { kind: found[0].kind, file: path.join(root, found[0].file) } : undefined;
}

export async function initHandler(args: InitArgs, io: Io): Promise<number> {
  const root = path.resolve(args.dir);
  if (args.name !== undefined && !/^[a-z0-9][a-z0-9-]*$/i.test(args.name)) throw inputError('INIT_NAME', `--name ${args.name}: use letters, digits and dashes`);
  const config = chosenConfig(args, root, io);
  const name = args.name ?? config?.kind ?? 'fallback';
  const scenarios = path.join(root, 'scenarios');
  const toScenarios = (file: string) => path.relative(scenarios, file).split(path.sep).join('/');
  let gateway: ScaffoldInput['gateway'];
  if (config) {
    const raw = readConfigObject(config.file, config.kind)!;
    gateway = { kind: config.kind, configRef: toScenarios(config.file), plan: gatewayPlan(config.kind, raw, args.model, defaultPrices()) };
  }
  const scaffold = (g: ScaffoldInput['gateway']) =>
    scaffoldFiles({
      name,
      gateway: g,
      schemaRef: '../node_modules/routebench/scenarios/scenario.schema.json',
      pricedModels: new Set(Object.keys(defaultPrices())),
      actionInputs: actionInputs(),
      actionRef: 'routebench/routebench@v1',
    });
  let files = scaffold(gateway);
  const existing = files.filter((f) => existsSync(path.join(root, f.path)));
  if (existing.length > 0 && !args.force) {
    throw inputError('INIT_EXISTS', `routebench init would overwrite ${existing.length === 1 ? 'a file that exists' : `${existing.length} files that exist`}: ${existing.map((f) => f.path).join(', ')}`, [], 'move them away, or run again with --force to overwrite them');
  }
  // Checked before the first write, so a folder that cannot be written or a path in the way
  // leaves nothing half-scaffolded (it wrote the scenario, then failed on the workflow).
  ensureWritableFolder(root, '--dir');
  for (const f of files) {
    const blocked = inTheWay(root, f.path);
    if (blocked) throw environmentError('NOT_A_FOLDER', `routebench init cannot write ${f.path}: ${blocked}; nothing was written`, 'move it away, or scaffold elsewhere with --dir');
  }
  for (const f of files) {
    const full = path.join(root, f.path);
    makeFolders(path.dirname(full), '--dir');
    writeFileSync(full, f.content);
    io.out(`${existing.includes(f) ? 'overwrote' : 'created'}  ${f.path}\n`);
  }
  const scenario = files[0]!.path;
  let problems = gateway ? await problemsOf(path.join(root, scenario)) : [];
  // Features of the team's config that routebench does not reproduce (response caching, hosted-only
  // breakers, tag routing, ...): the deployed config cannot drop them to be measured, so the
  // scenario ignores them, and init names each one.
  const unsupported = problems.filter((p) => p.message.includes(UNSUPPORTED_HINT));
  if (gateway && unsupported.length > 0) {
    // each message ends "...; <remedy> allow_unsupported: true to ignore it": keep what comes before the remedy
    const ignored = unsupported.map((p) => `ignored (not reproduced): ${p.message.slice(0, Math.max(0, p.message.lastIndexOf(';', p.message.indexOf(UNSUPPORTED_HINT))))}`);
    gateway = { ...gateway, plan: { ...gateway.plan, options: { ...gateway.plan.options, allow_unsupported: true }, notes: [...gateway.plan.notes, ...ignored] } };
    files = scaffold(gateway);
    writeFileSync(path.join(root, scenario), files[0]!.content);
    problems = await problemsOf(path.join(root, scenario));
  }
  for (const p of problems) io.err(`${p.file ? `${displayPath(path.resolve(p.file))}${p.line !== undefined ? `:${p.line}:${p.col ?? 1}` : ''}  ` : ''}${p.path ? `${p.path}  ` : ''}${p.message}\n`);
  if (problems.length > 0) io.err(`${scenario} does not validate yet (${problems.length === 1 ? '1 problem' : `${problems.length} problems`} above): fix the config or the scenario, then run npx routebench validate\n`);
  io.out(
    `${config ? `\nusing your ${config.kind} config ${path.relative(root, config.file) || config.file}` : '\nno gateway config found (looked for portkey*.json, litellm*.yaml, proxy_config.yaml, config.yaml with model_list, openrouter*.json, down to 4 folders deep); scaffolded a plain fallback'}\n` +
      `${(gateway?.plan.notes ?? []).map((n) => `note: ${n}\n`).join('')}` +
      `next:\n${path.resolve(root) === process.cwd() ? '' : `  cd ${path.relative(process.cwd(), root) || '.'}\n`}  npx routebench validate ${scenario}\n  npx routebench run ${scenario}\n  git add scenarios traces .github/workflows/routebench.yml\n`,
  );
  return ExitCode.ok;
}

/** The words every "not reproduced" problem of the product strategies ends its remedy with. */
const UNSUPPORTED_HINT = 'allow_unsupported: true';

/** The scaffolded scenario's problems, as `routebench validate` lists them. */
async function problemsOf(file: string): Promise<Problem[]> {
  const checked = await checkScenario(file);
  return 'problems' in checked ? checked.problems : [];
}

/** What stands where `rel` (a '/'-separated path under root) goes: a file where a folder must be, or a folder where the file must be. */
function inTheWay(root: string, rel: string): string | undefined {
  const parts = rel.split('/');
  let at = root;
  for (const [i, part] of parts.entries()) {
    at = path.join(at, part);
    if (!existsSync(at)) return undefined;
    const folder = statSync(at).isDirectory();
    const last = i === parts.length - 1;
    if (folder === last) return `${parts.slice(0, i + 1).join('/')} is ${folder ? 'a folder' : 'a file'}, not ${folder ? 'a file' : 'a folder'}`;
  }
  return undefined;
}
