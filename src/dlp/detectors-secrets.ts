/**
 * Detectors for credentials: provider API keys, JSON Web Tokens and PEM private keys. Key
 * shapes are the providers' published prefixes (OpenAI `sk-proj-`/`sk-svcacct-`/`sk-admin-`,
 * Anthropic `sk-ant-api03-`, OpenRouter `sk-or-v1-`, Google `AIza`, AWS access key ids
 * `AKIA`/`ASIA` and, after `aws_secret_access_key =` or `SecretAccessKey:`, the 40-character
 * secret access key, GitHub `ghp_`/`github_pat_`, GitLab `glpat-`, npm `npm_`, Slack `xox?-`/`xapp-`
 * and `hooks.slack.com/services/…` webhook URLs, Stripe `sk_live_` and `whsec_`, Google OAuth
 * `GOCSPX-`, Groq `gsk_`, Hugging Face `hf_`, xAI `xai-`); a JWT must have a base64url JSON header with `alg`
 * (RFC 7519, 7515).
 */
import { defineDetector } from './detector.js';

/** Key families in the order they are tried; the first that matches names the label. */
const KEY_FAMILIES: readonly [label: string, re: RegExp][] = [
  ['anthropic', /^sk-ant-[a-z]+\d{2}-[A-Za-z0-9_-]{32,}$/],
  ['openrouter', /^sk-or-v1-[0-9a-f]{64}$/],
  ['openai', /^sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}$/],
  ['stripe', /^[sr]k_(?:live|test)_[A-Za-z0-9]{24,}$/],
  ['google', /^AIza[0-9A-Za-z_-]{35}$/],
  ['aws', /^(?:AKIA|ASIA)[0-9A-Z]{16}$/],
  ['github', /^(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})$/],
  ['slack', /^(?:xox[abposr]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{32,}|hooks\.slack\.com\/services\/T[A-Z0-9]{8,12}\/B[A-Z0-9]{8,12}\/[A-Za-z0-9]{24})$/],
  ['stripe_webhook', /^whsec_[A-Za-z0-9]{32,}$/],
  ['google_oauth', /^GOCSPX-[A-Za-z0-9_-]{28}$/],
  ['gitlab', /^glpat-[A-Za-z0-9_-]{20}$/],
  ['npm', /^npm_[A-Za-z0-9]{36}$/],
  ['xai', /^xai-[A-Za-z0-9]{80}$/],
  ['groq', /^gsk_[A-Za-z0-9]{48,}$/],
  ['huggingface', /^hf_[A-Za-z]{30,}$/],
  // only found after its name (below): 40 base64 characters are otherwise just text
  ['aws_secret', /^[A-Za-z0-9/+]{40}$/],
];

export const apiKey = defineDetector({
  name: 'api_key',
  description: 'API keys of the major providers (OpenAI, Anthropic, OpenRouter, xAI, Google and its OAuth client secrets, AWS access key ids and, after their name, secret access keys, GitHub, GitLab, npm, Slack tokens and webhook URLs, Stripe keys and webhook secrets, Groq, Hugging Face)',
  priority: 20,
  // Bounded lengths (no provider's key is longer than 256 characters): an unbounded run over a
  // 16 MB token overflowed V8's regular-expression stack.
  gate: /sk-|[sr]k_(?:live|test)_|AIza|AKIA|ASIA|gh[pousr]_|github_pat_|xox[abposr]-|xapp-|hooks\.slack\.com|whsec_|GOCSPX-|glpat-|npm_|xai-|gsk_|hf_|secret/i,
  pattern: /(?:(?<![A-Za-z0-9_-])|(?<=\\[nrt]))(?:sk-[A-Za-z0-9_-]{20,256}|[sr]k_(?:live|test)_[A-Za-z0-9]{24,256}|AIza[0-9A-Za-z_-]{35}|(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,256}|xox[abposr]-[A-Za-z0-9-]{10,256}|xapp-\d-[A-Z0-9]{1,32}-\d{1,32}-[a-f0-9]{32,128}|hooks\.slack\.com\/services\/T[A-Z0-9]{8,12}\/B[A-Z0-9]{8,12}\/[A-Za-z0-9]{24}|whsec_[A-Za-z0-9]{32,256}|GOCSPX-[A-Za-z0-9_-]{28}|glpat-[A-Za-z0-9_-]{20}|npm_[A-Za-z0-9]{36}|xai-[A-Za-z0-9]{80}|gsk_[A-Za-z0-9]{48,256}|hf_[A-Za-z]{30,256}|(?<=(?:aws_secret_access_key|AWS_SECRET_ACCESS_KEY|aws_secret_key|AWS_SECRET_KEY|SecretAccessKey|secretAccessKey)["']?\s{0,8}[:=]\s{0,8}["']?)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=]))(?![A-Za-z0-9_-])/,
  validate(m) {
    for (const [label, re] of KEY_FAMILIES) if (re.test(m[0])) return label;
    return false;
  },
});

function base64UrlJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export const jwt = defineDetector({
  name: 'jwt',
  description: 'JSON Web Tokens (three base64url parts; the header must decode to JSON with "alg")',
  priority: 10,
  gate: /eyJ/,
  pattern: /(?:(?<![A-Za-z0-9_-])|(?<=\\[nrt]))eyJ[A-Za-z0-9_-]{8,16384}\.eyJ[A-Za-z0-9_-]{8,65536}\.[A-Za-z0-9_-]{16,8192}(?![A-Za-z0-9_-])/,
  validate(m) {
    const header = base64UrlJson(m[0].slice(0, m[0].indexOf('.')));
    return header !== null && typeof header === 'object' && typeof (header as { alg?: unknown }).alg === 'string';
  },
});

export const privateKey = defineDetector({
  name: 'private_key',
  description: 'PEM private keys (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted, PGP), with or without the END line, and PuTTY .ppk private keys',
  priority: 0,
  // The END line is looked for only up to the next BEGIN line: a stray BEGIN does not reach across
  // the text to a later key (and a text of many BEGIN lines is scanned in linear, not quadratic, time).
  // Without an END line the key runs on through base64, whitespace and the `\n` escapes of a key
  // pasted as a JSON string (a cloud service-account file), up to its last base64 character. One
  // character class, no alternation: V8 runs it over a 16 MB body without growing its stack.
  // A PuTTY key file (.ppk, versions 2 and 3): from its first line through its Private-Lines block.
  gate: /-----BEGIN|PuTTY-User/,
  pattern: /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----(?:(?:(?!-----BEGIN )[\s\S])*?-----END \1-----|[A-Za-z0-9+/=\s:,\\-]*[A-Za-z0-9+/=])|PuTTY-User-Key-File-[23]: [^\r\n\\]{1,200}(?:(?:\r?\n|(?:\\r)?\\n)[^\r\n\\]{0,200}){0,8}?(?:\r?\n|(?:\\r)?\\n)Private-Lines: \d{1,3}(?:(?:\r?\n|(?:\\r)?\\n)(?!Private-)[A-Za-z0-9+/=]{1,80}){1,256}/,
});
