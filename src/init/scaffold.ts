/**
 * The files `routebench init` writes, as text: a scenario that replays the team's gateway config
 * (or a plain two-provider fallback when there is none) against mocked providers with one
 * incident, a traces/ folder with instructions, and a GitHub workflow that runs the suite on
 * every pull request. Pure: the command decides where and whether to write.
 */
import type { GatewayKind } from './find-gateway-config.js';
import type { GatewayPlan, InitTarget } from './gateway-targets.js';

export interface ScaffoldInput {
  /** Scenario name (file scenarios/<name>.yaml). */
  name: string;
  /** The gateway config, when one was found or named. */
  gateway?: { kind: GatewayKind; /** relative to scenarios/ */ configRef: string; plan: GatewayPlan; inline?: Record<string, unknown> };
  /** `$schema` target relative to scenarios/ (the schema inside node_modules/routebench). */
  schemaRef: string;
  /** Model names with a price in routebench's price table. */
  pricedModels: ReadonlySet<string>;
  /** Inputs of the routebench GitHub Action. */
  actionInputs: readonly string[];
  actionRef: string;
}

export interface ScaffoldFile {
  path: string;
  content: string;
}

const flow = (v: unknown) => JSON.stringify(v).replace(/","/g, '", "').replace(/":/g, '": ').replace(/,"/g, ', "');

const FALLBACK_TARGETS: InitTarget[] = [
  { id: 'openai', provider: 'openai', model: 'gpt-4o-mini' },
  { id: 'anthropic', provider: 'anthropic', model: 'claude-3-5-haiku' },
];

function targetLines(targets: readonly InitTarget[], priced: ReadonlySet<string>): string[] {
  return targets.flatMap((t, i) => {
    const known = priced.has(t.model);
    const price = known ? '' : `, price: { input: ${t.price?.input ?? 0}, output: ${t.price?.output ?? 0} }`;
    const lines = [`  ${t.id}: { provider: ${flow(t.provider)}, model: ${flow(t.model)}, mock: { profile: ${i === 0 ? 'flaky' : 'typical'} }${price} }`];
    if (!known)
      lines.unshift(
        t.price
          ? `  # ${t.model} is priced as ${t.price.as} from routebench's price table (USD per 1M tokens): check it against your bill`
          : `  # ${t.model} is not in routebench's price table: set its price (USD per 1M tokens) for cost results`,
      );
    return lines;
  });
}

function strategyLines(input: ScaffoldInput, targets: readonly InitTarget[]): string[] {
  const thresholds = ['    thresholds: # a floor to start from (CI fails below it); tighten to your SLO', "      success_rate: ['> 0.95']", "      p99_latency_ms: ['< 60000']"];
  const notDirect = new Set(input.gateway?.plan.notDirect ?? []);
  const direct = ['  direct-fallback:', '    description: no gateway, the app falls back over the same providers itself', '    use: fallback', `    options: { targets: ${flow(targets.filter((t) => !notDirect.has(t.id)).map((t) => t.id))} }`];
  const g = input.gateway;
  if (!g) return ['  fallback:', '    description: the candidate; CI gates on its thresholds', '    use: fallback', `    options: { targets: ${flow(targets.map((t) => t.id))} }`, ...thresholds, '  single:', '    use: single', `    options: { target: ${targets[0]!.id} }`];
  const fileKey = g.kind === 'openrouter' ? 'provider_file' : 'config_file';
  const source = g.inline ? `      provider: ${flow(g.inline)}` : `      ${fileKey}: ${flow(g.configRef)}`;
  const options = Object.entries(g.plan.options).map(([k, v]) => `      ${k}: ${flow(v)}`);
  return [`  ${g.kind}:`, `    description: ${flow(`your ${g.kind} config (${g.configRef}), replayed as the gateway routes`)}`, `    use: ${g.kind}`, '    options:', source, ...options, ...thresholds, ...direct];
}

export function scenarioYaml(input: ScaffoldInput): string {
  const targets = input.gateway && input.gateway.plan.targets.length > 0 ? input.gateway.plan.targets : FALLBACK_TARGETS;
  const first = targets[0]!;
  const about = input.gateway ? `your ${input.gateway.kind} config (${input.gateway.configRef})` : 'a client-side fallback';
  return [
    `# yaml-language-server: $schema=${input.schemaRef}`,
    `# Scaffolded by \`routebench init\`. Run it: npx routebench run scenarios/${input.name}.yaml`,
    ...(input.gateway?.plan.notes ?? []).map((n) => `# note: ${n}`),
    `name: ${input.name}`,
    'description: >',
    `  Thirty minutes of traffic through ${about}, with a ten-minute outage on ${first.id}.`,
    '  Does it fail over, and what do latency, availability and cost look like?',
    'seed: 1',
    'traffic:',
    '  # To replay your own traffic instead, see traces/README.md and use:',
    '  #   trace: { path: ../traces/your-trace.jsonl }',
    '  synthetic:',
    '    arrival: { process: poisson, rate_per_s: 2 }',
    '    duration: 30m',
    '    input_tokens: { dist: lognormal, p50: 900, p99: 9000 }',
    '    output_tokens: { dist: lognormal, p50: 220, p99: 1600 }',
    '    stream: 0.5',
    ...(input.gateway?.plan.traffic?.route !== undefined ? [`    route: ${flow(input.gateway.plan.traffic.route)}`] : []),
    ...(input.gateway?.plan.traffic?.tags !== undefined ? [`    tags: ${flow(input.gateway.plan.traffic.tags)}`] : []),
    'targets:',
    '  # Mocked providers (profiles: `routebench list profiles`); add `live:` to replay against real APIs.',
    ...targetLines(targets, input.pricedModels),
    'incidents:',
    `  - { name: ${first.id}-outage, kind: outage, targets: [${first.id}], start: 10m, duration: 10m, error: unavailable }`,
    'strategies:',
    ...strategyLines(input, targets),
    '',
  ].join('\n');
}

export function tracesReadme(): string {
  return `# Traces

Put recorded traffic here to replay it instead of the synthetic traffic in \`scenarios/\`.

A trace is JSON Lines, one request per line, for example:

\`\`\`json
{"arrival_ms": 0, "input_tokens": 812, "output_tokens": 164, "stream": true, "route": "gpt-4o-mini", "tags": {"project": "web"}}
\`\`\`

- Convert a public trace (Azure LLM inference, Mooncake, BurstGPT):
  \`npx routebench import their-file.csv --format azure -o traces/azure.jsonl\`
  (\`npx routebench list formats\` lists the formats).
- Export your own logs to this shape: one line per request with its arrival time in ms from the
  start, its input and output token counts, and optionally \`stream\`, \`route\` and \`tags\`.
  Prompts are not needed; keep them out of the repository.

Then point the scenario at it:

\`\`\`yaml
traffic:
  trace: { path: ../traces/azure.jsonl }
\`\`\`

and check it with \`npx routebench validate\` (every bad row is listed with its line number).
`;
}

export function workflowYaml(input: ScaffoldInput): string {
  const values: Record<string, string> = {
    scenarios: 'scenarios/',
    shards: '1',
    'regression-budget': 'p99_latency_ms=10% success_rate=0.5pp cost=5%',
    'github-token': '${{ secrets.GITHUB_TOKEN }}',
  };
  const withLines = Object.entries(values)
    .filter(([k]) => input.actionInputs.includes(k))
    .map(([k, v]) => `          ${k}: ${k === 'regression-budget' || k === 'shards' ? JSON.stringify(v) : v}`);
  return `# Scaffolded by \`routebench init\`: runs the routebench scenarios on every pull request, compares
# them with the base branch's last results, and posts one summary (and one PR comment).
name: routebench
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
  pull-requests: write # the one PR comment (read-only on pull requests from forks: job summary only)
  actions: read # the base branch's last results artifact
jobs:
  routebench:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      # sets up Node, installs your package.json (routebench pinned there), runs, compares, reports
      - uses: ${input.actionRef}
${withLines.length > 0 ? `        with:\n${withLines.join('\n')}\n` : ''}`;
}

export function scaffoldFiles(input: ScaffoldInput): ScaffoldFile[] {
  return [
    { path: `scenarios/${input.name}.yaml`, content: scenarioYaml(input) },
    { path: 'traces/README.md', content: tracesReadme() },
    { path: '.github/workflows/routebench.yml', content: workflowYaml(input) },
  ];
}
