/**
 * `portkey`: replays a Portkey gateway config object verbatim, routing the way the OSS gateway
 * (v1.15.2) does: `strategy.mode` single / fallback (`on_status_codes`, default any non-2xx) /
 * loadbalance (weights, no failover) / conditional (metadata and params queries, `default`),
 * nested to any depth; per-target `retry` (1-2-4-8-16 s, retry-after with a 60 s budget) and
 * `request_timeout` (synthetic 408). Semantics and their sources: gateways.md §2.2, cited in
 * src/strategies/portkey/. Hosted-only features are refused unless `allow_unsupported: true`.
 */
import { z } from 'zod';
import { compileConfig } from './portkey/compile-tree.js';
import { loadConfig } from './portkey/load-config.js';
import { createPortkeyRouter } from './portkey/router.js';
import { statusTable } from './portkey/status.js';
import { createTargetMap } from './portkey/target-map.js';
import { defineStrategy, stop } from './strategy.js';

export const portkey = defineStrategy({
  name: 'portkey',
  summary: 'a Portkey gateway config, verbatim: fallback, loadbalance, conditional, nested targets, retry and request_timeout as the OSS gateway does them',
  options: z
    .strictObject({
      config: z.record(z.string(), z.unknown()).optional().meta({ description: 'A Portkey config object, verbatim (checked against a strict schema of the Portkey config).' }),
      config_file: z.string().min(1).optional().meta({ description: 'A Portkey config JSON (or YAML) file, relative to the scenario.' }),
      targets: z
        .record(z.string(), z.string().min(1))
        .optional()
        .meta({ description: 'Portkey target (its place as config.targets[0].targets[1], name, virtual_key, provider/model or provider) → scenario target id. Default: the scenario target with the same provider and model.' }),
      allow_unsupported: z.boolean().default(false).meta({ description: 'Ignore hosted-only features (cb_config, sticky, semantic cache, ...) and guardrails instead of refusing the config.' }),
    })
    .refine((o) => (o.config === undefined) !== (o.config_file === undefined), { message: 'give exactly one of config (an object) or config_file (a path)' }),
  create(options, init) {
    const loaded = loadConfig(options, init);
    const slot = init.slot();
    if (loaded === undefined) return { decide: () => stop('portkey: invalid config') };
    const file = options.config_file;
    const report = (path: readonly (string | number)[], message: string) =>
      init.problem([...loaded.at, ...path], file === undefined ? message : `${init.configWhere(file, path)}: ${message}`);
    const targets = createTargetMap(options.targets, init, report);
    const root = compileConfig(loaded.config, { report, resolveLeaf: targets.resolve, allowUnsupported: options.allow_unsupported });
    targets.reportUnused();
    return { decide: createPortkeyRouter(root, slot, statusTable(init.targets), init.rng) };
  },
});
