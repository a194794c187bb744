// `node --import ./test/helpers/trace-modules.mjs …` appends every module URL the process resolves
// to the file named by ROUTEBENCH_TRACE_MODULES (for tests of what a command loads).
import { register } from 'node:module';

const hook = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (process.env.ROUTEBENCH_TRACE_MODULES) appendFileSync(process.env.ROUTEBENCH_TRACE_MODULES, r.url + '\\n');
  return r;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
