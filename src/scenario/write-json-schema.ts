/** `npm run schema`: regenerates scenarios/scenario.schema.json from the zod schemas. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchemaText } from '../json-schema.js';

const target = fileURLToPath(new URL('../../scenarios/scenario.schema.json', import.meta.url));
writeFileSync(target, scenarioJsonSchemaText());
console.log(`wrote ${target}`);
