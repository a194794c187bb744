/**
 * `routebench completion` without a shell name picks $SHELL's script. A $SHELL with no script here
 * (fish, sh) was answered with the bash script, which that shell cannot source; it is now refused
 * with exit 2 naming the shells that have one.
 */
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

async function completion(env: Record<string, string | undefined>, ...args: string[]) {
  const io = memoryIo(env);
  const code = await runCli(['completion', ...args], io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('completion picks the shell', () => {
  it('from $SHELL: bash and zsh by their paths; bash when $SHELL is not set', async () => {
    expect((await completion({ SHELL: '/usr/bin/zsh' })).out.startsWith('#compdef routebench\n')).toBe(true);
    expect((await completion({ SHELL: '/bin/bash' })).out).toContain('complete -o default -F _routebench_complete routebench');
    expect((await completion({})).out).toContain('complete -o default -F _routebench_complete routebench');
  });

  it('a $SHELL without a script (fish, sh) is refused with exit 2 and nothing on stdout', async () => {
    for (const shell of ['/usr/bin/fish', '/bin/sh']) {
      const r = await completion({ SHELL: shell });
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain(`$SHELL is ${shell}: routebench has completion scripts for bash and zsh only`);
      expect(r.err).toContain('routebench completion bash');
    }
  });

  it('a shell named on the command line wins over $SHELL', async () => {
    const r = await completion({ SHELL: '/usr/bin/fish' }, 'zsh');
    expect(r.code).toBe(0);
    expect(r.out.startsWith('#compdef routebench\n')).toBe(true);
    expect((await completion({}, 'fish')).code).toBe(2);
  });
});
