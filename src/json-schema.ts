/**
 * The scenario JSON Schema for editors (scenarios/scenario.schema.json), generated from the same
 * zod schemas that validate scenarios, with each strategy's options attached by `use` so editors
 * autocomplete and check them. `npm run schema` rewrites the committed file; a test checks that it
 * is current.
 */
import { z } from 'zod';
import { scenarioSchema } from './scenario/schema.js';
import { formatDuration } from './scenario/duration.js';
import { strategies } from './strategies/index.js';

type Json = Record<string, unknown>;

export function scenarioJsonSchema(): Json {
  const root = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as Json;
  const strategyRef = ((root.properties as Json).strategies as Json).additionalProperties as Json;
  const props = strategyRef.properties as Json;
  props.use = { type: 'string', enum: Object.keys(strategies), description: (props.use as Json).description };
  strategyRef.allOf = Object.entries(strategies).map(([name, def]) => {
    const options = z.toJSONSchema(def.options, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as Json;
    delete options.$schema;
    return { if: { properties: { use: { const: name } } }, then: { properties: { options: { ...options, description: def.summary } } } };
  });
  root.title = 'routebench scenario';
  root.description = 'One scenario: traffic, targets, incidents, strategies and thresholds. See README.md.';
  fixDurationDefaults(root);
  return root;
}

/** Duration fields default to milliseconds internally; show them as duration strings. */
function fixDurationDefaults(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(fixDurationDefaults);
  if (node === null || typeof node !== 'object') return;
  const o = node as Json;
  if (o.type === 'string' && typeof o.default === 'number') o.default = formatDuration(o.default);
  for (const v of Object.values(o)) fixDurationDefaults(v);
}

export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
