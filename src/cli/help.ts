/** The text of --help, made from the declared options so that it never goes out of date. */
import type { OptionSpec } from '../plugin';

/** Help lines stay within this many columns (descriptions wrap under themselves). */
const LINE_WIDTH = 100;

/** Splits `text` into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export function helpText(specs: OptionSpec[], version: string): string {
  const rows = specs.filter((s) => !s.hidden).map((s) => {
    const names = [s.short ? `-${s.short}` : '', `--${s.name}`, ...(s.aliases ?? []).map((a) => `--${a}`)].filter(Boolean).join(', ');
    const arg = s.kind === 'flag' ? '' : ` ${s.arg ?? 'VALUE'}`;
    // A description that already says it is repeatable, or what its default is, is not told twice.
    const hasDefault = s.default !== undefined && s.kind !== 'flag' && !(Array.isArray(s.default) && s.default.length === 0);
    const dflt = hasDefault && !/\bdefault\b/.test(s.description) ? ` (default: ${s.default})` : '';
    const repeatable = s.kind === 'list' && !/\brepeatable\b/.test(s.description) ? ' (repeatable)' : '';
    return [`  ${names}${arg}`, `${s.description}${repeatable}${dflt}`];
  });
  const width = Math.min(34, Math.max(...rows.map(([l]) => l!.length)) + 2);
  const indent = '\n' + ' '.repeat(width);
  const lines = rows.map(([l, d]) => {
    const text = wrap(d!, LINE_WIDTH - width).join(indent);
    return l!.length + 2 > width ? `${l}${indent}${text}` : `${l!.padEnd(width)}${text}`;
  });
  return `entrypoint ${version}: a PID 1 for containers, with templates, variables and hooks

Usage: entrypoint [OPTIONS] [--] COMMAND [ARGS...]

Runs COMMAND as the child of a proper init: signals are forwarded (to the child's whole process
group unless --no-setsid), zombies are reaped, and the child's exit status becomes the
entrypoint's (128+N when killed by signal N). Before the command starts, the configuration
stages run: .env files and variables, templates, hooks.

Options:
${lines.join('\n')}

Every option can also be set with an environment variable, e.g. ENTRYPOINT_GRACE=10
(lists comma-separated), or in the YAML config file (grace: 10). Precedence: command line,
environment, config file. Invoked as \`tini\` or \`dumb-init\` (a symlink), the entrypoint accepts
that tool's command line and environment variables instead.

Examples:
  ENTRYPOINT ["entrypoint", "--"]                    in a Dockerfile, with CMD the application
  entrypoint -- node server.js                       forward signals, reap zombies, pass exit codes
  entrypoint -r term:quit -- nginx -g 'daemon off;'  rewrite SIGTERM to SIGQUIT for the child
  entrypoint --no-init -- app                        configure, then exec the app (no init stays)
  entrypoint -t ./templates -o / -- app              render ./templates/** into / first
  #!/usr/bin/entrypoint /bin/sh                      as a script interpreter
`;
}
