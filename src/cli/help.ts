/** The text of --help, made from the declared options so that it never goes out of date. */
import type { OptionSpec } from '../plugin';
import { envName } from './sources';

export function helpText(specs: OptionSpec[], version: string): string {
  const rows = specs.filter((s) => !s.hidden).map((s) => {
    const names = [s.short ? `-${s.short}` : '', `--${s.name}`, ...(s.aliases ?? []).map((a) => `--${a}`)].filter(Boolean).join(', ');
    const arg = s.kind === 'flag' ? '' : ` ${s.arg ?? 'VALUE'}`;
    const dflt = s.default !== undefined && s.kind !== 'flag' && !(Array.isArray(s.default) && s.default.length === 0) ? ` (default: ${s.default})` : '';
    return [`  ${names}${arg}`, `${s.description}${s.kind === 'list' ? ' (repeatable)' : ''}${dflt}`];
  });
  const width = Math.min(34, Math.max(...rows.map(([l]) => l!.length)) + 2);
  const lines = rows.map(([l, d]) => (l!.length + 2 > width ? `${l}\n${' '.repeat(width)}${d}` : `${l!.padEnd(width)}${d}`));
  return `entrypoint ${version}: a PID 1 for containers, with templates, variables and hooks

Usage: entrypoint [OPTIONS] [--] COMMAND [ARGS...]

Runs COMMAND as the child of a proper init: signals are forwarded (to the child's whole process
group unless --no-setsid), zombies are reaped, and the child's exit status becomes the
entrypoint's (128+N when killed by signal N). Before the command starts, the configuration
stages run: .env files and variables, templates, hooks.

Options:
${lines.join('\n')}

Every option can also be set with an environment variable, e.g. ${envName(specs.find((s) => s.name === 'grace') ?? specs[0]!)}=10
or in the YAML config file (grace: 10). Precedence: command line, environment, config file.

Examples:
  ENTRYPOINT ["entrypoint", "--"]                 in a Dockerfile, with CMD the application
  entrypoint -- node server.js                    forward signals, reap zombies, pass the exit code
  entrypoint -r term:quit -- nginx -g 'daemon off;'   rewrite SIGTERM to SIGQUIT for the child
  entrypoint --no-init -- app                      configure, then exec the app (no init stays)
  entrypoint -t ./templates -o / -- app            render ./templates/** into / first
  #!/usr/bin/entrypoint /bin/sh                   as a script interpreter
`;
}
