// Module-resolution hooks (https://nodejs.org/api/module.html#customization-hooks) that append
// every resolved URL to the file named by RB_IMPORT_LOG, so a test can tell which packages a
// thread loaded. Registered by import-log-register.mjs; they see the main thread's imports only
// (worker threads do not inherit them on Node 20).
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (process.env.RB_IMPORT_LOG) appendFileSync(process.env.RB_IMPORT_LOG, `${r.url} ${context.parentURL}\n`);
  return r;
}
