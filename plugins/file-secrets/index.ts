/**
 * The Docker-secrets convention of the official images (postgres, mysql…): `NAME_FILE=/path`
 * in the environment sets `NAME` to the file's content, one trailing newline stripped.
 *
 * - `NAME_FILE` is then removed from the child's environment and the variables, as the
 *   images' `file_env` does: the child sees `NAME` only, as if it had been set directly.
 * - `NAME` and `NAME_FILE` both set (non-empty) is an error naming both: which one was meant?
 * - A file that cannot be read is an error naming the variable and the path; the command is
 *   not started without its secret. So is one that is not a regular file, is world-writable,
 *   or is larger than an environment variable can be.
 * - Values are registered with the logger as secrets.
 * - Not applied to `ENTRYPOINT_*` (the entrypoint's own options, e.g. ENTRYPOINT_ENV_FILE) nor
 *   to the well-known variables whose value is a path by design (SSL_CERT_FILE,
 *   AWS_WEB_IDENTITY_TOKEN_FILE…, see NOT_SECRETS).
 *   `--no-file-secrets` turns the whole convention off.
 */
import { EntrypointError } from '../../src/errors';
import type { Variables } from '../../src/hooks';
import { definePlugin } from '../../src/plugin';
import { fsReason, readTrustedFile } from '../../src/trustedFile';

export const PLUGIN_NAME = 'file-secrets';
/** After .env files (-30), which may declare `NAME_FILE`; before the YAML file (-10). */
export const STAGE = -20;
/** The kernel's limit for one environment string (MAX_ARG_STRLEN): a bigger value cannot be passed. */
const MAX_BYTES = 128 * 1024;
const SUFFIX = '_FILE';

/**
 * Well-known variables ending in _FILE whose program reads the file itself: inlining them would
 * break that program (the AWS and Azure SDKs in Kubernetes pods, OpenSSL, the Google Cloud SDK).
 */
const NOT_SECRETS = new Set([
  'SSL_CERT_FILE', 'NIX_SSL_CERT_FILE', 'CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE', 'TF_CLI_CONFIG_FILE',
  'PIP_CONFIG_FILE', 'COMPOSE_FILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE', 'AZURE_FEDERATED_TOKEN_FILE',
]);

export function isSecretReference(key: string): boolean {
  return key.endsWith(SUFFIX) && key.length > SUFFIX.length && !key.startsWith('ENTRYPOINT_') && !NOT_SECRETS.has(key);
}

function readSecret(name: string, path: string): string {
  let text: string;
  try {
    // The owner check is left out: secret volumes are often group-owned (Kubernetes fsGroup).
    text = readTrustedFile(path, { ownedByRoot: false, maxBytes: MAX_BYTES }).toString('utf8');
  } catch (err) {
    throw new EntrypointError(`${name}${SUFFIX}=${path}: cannot read the secret: ${fsReason(err)}`);
  }
  if (text.includes('\0')) throw new EntrypointError(`${name}${SUFFIX}=${path}: the secret contains a NUL byte, which an environment variable cannot hold`);
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}

export default definePlugin({
  name: PLUGIN_NAME,
  options: [{ name: 'no-file-secrets', kind: 'flag', description: 'do not read NAME from the file named by NAME_FILE' }],
  apply(ep) {
    if (ep.option<boolean>('no-file-secrets')) return;
    ep.hooks.preconfig.tap({ name: PLUGIN_NAME, stage: STAGE }, (vars: Variables) => {
      const env = ep.env;
      const out = { ...vars };
      for (const key of Object.keys(env).filter(isSecretReference)) {
        const name = key.slice(0, -SUFFIX.length);
        const path = env[key]!;
        if (path === '') {
          delete env[key];
          delete out[key];
          continue;
        }
        if (env[name]) throw new EntrypointError(`both ${name} and ${key} are set; set only one of them`);
        const value = readSecret(name, path);
        ep.log.redact(value);
        env[name] = value;
        out[name] = value;
        delete env[key];
        delete out[key];
        ep.log.debug(`${name} read from ${path} (${key})`);
      }
      return out;
    });
  },
});
