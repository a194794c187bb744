/**
 * The command registry: every command's usage line and one-line description, and a loader that
 * imports its module only when the command is chosen. `routebench --help` therefore loads none of
 * DuckDB, msw, vega or autocannon; `routebench validate` loads only what validating needs.
 */
import type { Argv } from 'yargs';
import type { Io } from '../io.js';

/** A command's option builder and handler, from its own module. */
export interface CommandModule {
  // Each command types its own arguments; the registry only passes them through.
  builder: (y: Argv) => Argv<any>;
  handler: (args: any, io: Io) => Promise<number> | number;
}

export interface CommandSpec {
  /** yargs usage, e.g. `run [paths..]`. */
  usage: string;
  describe: string;
  load: () => Promise<CommandModule>;
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    usage: 'run [paths..]',
    describe: 'run scenarios (files or folders; default scenarios/) and write results and summaries',
    load: () => import('./run.js').then((m) => ({ builder: m.runBuilder, handler: m.runHandler })),
  },
  {
    usage: 'replay [paths..]',
    describe: 'run scenarios over real HTTP on the real clock: msw mocks, a loopback mock server, or live APIs',
    load: () => import('./replay.js').then((m) => ({ builder: m.replayBuilder, handler: m.replayHandler })),
  },
  {
    usage: 'mock-server',
    describe: "serve a scenario's mock providers over loopback HTTP (for SDKs and gateways)",
    load: () => import('./mock-server.js').then((m) => ({ builder: m.mockServerBuilder, handler: m.mockServerHandler })),
  },
  {
    usage: 'serve',
    describe: "run one strategy as an OpenAI/Anthropic-compatible gateway on loopback, in front of the scenario's targets",
    load: () => import('./serve.js').then((m) => ({ builder: m.serveBuilder, handler: m.serveHandler })),
  },
  {
    usage: 'record',
    describe: 'record your app\'s LLM calls: a loopback proxy that writes each call and its observed outcome as a trace',
    load: () => import('./record.js').then((m) => ({ builder: m.recordBuilder, handler: m.recordHandler })),
  },
  {
    usage: 'calibrate <traces..>',
    describe: 'fit each target\'s mock behaviour and incidents from recorded or imported traffic; writes a calibration file and a fit report',
    load: () => import('./calibrate.js').then((m) => ({ builder: m.calibrateBuilder, handler: m.calibrateHandler })),
  },
  {
    usage: 'backtest <scenario>',
    describe: 'simulate the deployed strategy over a recording on the calibrated mocks and compare with what was recorded (exit 3 out of tolerance)',
    load: () => import('./backtest.js').then((m) => ({ builder: m.backtestBuilder, handler: m.backtestHandler })),
  },
  {
    usage: 'load <scenario>',
    describe: "capacity, throughput frontier and added latency of a scenario's load arms (direct, routebench serve, your gateway)",
    load: () => import('./load.js').then((m) => ({ builder: m.loadBuilder, handler: m.loadHandler })),
  },
  {
    usage: 'validate [paths..]',
    describe: 'check scenarios and their traces; report every problem',
    load: () => import('./validate.js').then((m) => ({ builder: m.validateBuilder, handler: m.validateHandler })),
  },
  {
    usage: 'compare [baseline] [candidate]',
    describe: 'compare two runs (or run groups): every metric with the 95% CI of the difference and a win/loss/tie verdict',
    load: () => import('./compare.js').then((m) => ({ builder: m.compareBuilder, handler: m.compareHandler })),
  },
  {
    usage: 'report',
    describe: 'render HTML reports from a results file (e.g. after merge)',
    load: () => import('./report.js').then((m) => ({ builder: m.reportBuilder, handler: m.reportHandler })),
  },
  {
    usage: 'export',
    describe: 'write runs as Parquet (one file per table) plus meta.json',
    load: () => import('./export.js').then((m) => ({ builder: m.exportBuilder, handler: m.exportHandler })),
  },
  {
    usage: 'merge <sources..>',
    describe: 'merge results files or Parquet exports (e.g. CI shards) into one results file',
    load: () => import('./merge.js').then((m) => ({ builder: m.mergeBuilder, handler: m.mergeHandler })),
  },
  {
    usage: 'import <input>',
    describe: 'convert a public trace (Azure, Mooncake, BurstGPT) or your gateway logs (OTel GenAI, LiteLLM, OpenRouter, Portkey) to routebench JSONL',
    load: () => import('./import.js').then((m) => ({ builder: m.importBuilder, handler: m.importHandler })),
  },
  {
    usage: 'ci <action>',
    describe: 'GitHub Action steps: one job summary (summary), the one PR comment (comment), the base branch results (baseline)',
    load: () => import('./ci.js').then((m) => ({ builder: m.ciBuilder, handler: m.ciHandler })),
  },
  {
    usage: 'init',
    describe: 'scaffold routebench in this repository: a scenario using your gateway config, a trace folder, a CI workflow',
    load: () => import('./init.js').then((m) => ({ builder: m.initBuilder, handler: m.initHandler })),
  },
  {
    usage: 'examples',
    describe: 'list the example scenarios shipped with routebench (run one with `routebench run --example <name>`)',
    load: () => import('./examples.js').then((m) => ({ builder: m.examplesBuilder, handler: m.examplesHandler })),
  },
  {
    usage: 'list <what>',
    describe: 'list strategies, profiles, trace formats or threshold metrics',
    load: () => import('./list.js').then((m) => ({ builder: m.listBuilder, handler: m.listHandler })),
  },
  {
    usage: 'completion [shell]',
    describe: 'print a shell completion script (bash or zsh), e.g. `routebench completion bash >> ~/.bashrc`',
    load: () => import('./completion.js').then((m) => ({ builder: m.completionBuilder, handler: m.completionHandler })),
  },
];

/** The command's first word, e.g. `run` for `run [paths..]`. */
export const commandName = (spec: CommandSpec): string => spec.usage.split(' ')[0]!;
