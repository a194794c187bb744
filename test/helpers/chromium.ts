/**
 * Finds a Chromium for the real-browser tests, so `npm test` passes on a machine with nothing but
 * Node: a system Chromium or Chrome first (CHROMIUM_PATH, then the usual install paths and PATH),
 * else the Chromium shipped inside the @sparticuz/chromium npm package (Linux x64; unpacked to the
 * temp folder on first use). Only where neither exists does it return a reason to skip.
 *
 * ROUTEBENCH_CHROMIUM overrides the search: a path to use that binary, `npm` (or `none`) to skip
 * the system browsers and take the npm one, e.g. to check that path on a machine that has both.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export type ChromiumFound = { path: string; args: string[]; source: string } | { skip: string };

/** Flags for a headless browser in a container or CI runner. */
const COMMON_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const SYSTEM_PATHS: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'],
  darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'],
  win32: [
    path.join(process.env.PROGRAMFILES ?? 'C:\\Program Files', 'Google', 'Chrome', 'Application', 'chrome.exe'),
    path.join(process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)', 'Google', 'Chrome', 'Application', 'chrome.exe'),
  ],
};

const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

function onPath(env: NodeJS.ProcessEnv): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', ''] : [''];
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean))
    for (const name of PATH_NAMES) for (const ext of exts) if (existsSync(path.join(dir, name + ext))) return path.join(dir, name + ext);
  return undefined;
}

/** A system Chromium or Chrome, if one is installed. */
export function systemChromium(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  return (SYSTEM_PATHS[platform] ?? []).find((p) => existsSync(p)) ?? onPath(env);
}

/** The Chromium inside @sparticuz/chromium (Linux x64 builds only). */
async function npmChromium(platform: NodeJS.Platform, arch: string): Promise<ChromiumFound> {
  if (platform !== 'linux' || arch !== 'x64') return { skip: `no system Chromium/Chrome found, and @sparticuz/chromium ships Linux x64 only (this is ${platform}/${arch}): install Chrome or Chromium, or set CHROMIUM_PATH` };
  const { default: chromium } = await import('@sparticuz/chromium');
  const executable = await chromium.executablePath();
  // Its own flags (headless shell, no zygote, ...) plus ours; duplicates are harmless. Not
  // --single-process (meant for one-page serverless runs): the browser would exit when its first
  // page closes, and a test opens several.
  const own = chromium.args.filter((a: string) => a !== '--single-process');
  return { path: executable, args: [...new Set([...own, ...COMMON_ARGS])], source: '@sparticuz/chromium (npm)' };
}

export async function findChromium(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, arch: string = process.arch): Promise<ChromiumFound> {
  const forced = env.ROUTEBENCH_CHROMIUM;
  if (forced === 'npm' || forced === 'none') return npmChromium(platform, arch);
  if (forced) return existsSync(forced) ? { path: forced, args: COMMON_ARGS, source: 'ROUTEBENCH_CHROMIUM' } : { skip: `ROUTEBENCH_CHROMIUM=${forced}: no such file` };
  const system = systemChromium(env, platform);
  if (system) return { path: system, args: COMMON_ARGS, source: env.CHROMIUM_PATH ? 'CHROMIUM_PATH' : 'system' };
  return npmChromium(platform, arch);
}
