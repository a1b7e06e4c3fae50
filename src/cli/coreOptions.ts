/** The options of the entrypoint itself; every feature's options are declared by its plugin. */
import type { OptionSpec } from '../plugin';

const LOG_FORMATS = ['text', 'json'];

export const CORE_OPTIONS: OptionSpec[] = [
  { name: 'help', short: 'h', kind: 'flag', description: 'show this help and exit' },
  { name: 'version', kind: 'flag', description: 'print the version and exit' },
  { name: 'verbose', short: 'v', kind: 'flag', description: 'log every step (debug level)' },
  { name: 'quiet', short: 'q', kind: 'flag', description: 'log errors only' },
  {
    name: 'log-format', kind: 'value', arg: 'text|json', default: 'text',
    description: 'log lines as text, or one JSON object per line',
    parse: (raw) => {
      if (!LOG_FORMATS.includes(raw)) throw new Error(`expected one of ${LOG_FORMATS.join(', ')}, got '${raw}'`);
      return raw;
    },
  },
  { name: 'config', kind: 'value', arg: 'FILE', description: 'read options from a YAML file (default /etc/entrypoint/config.yml when it exists)' },
  {
    name: 'plugin', kind: 'list', arg: 'NAME[=JSON]',
    description: 'load a plugin: NAME, pid1-plugin-NAME, @scope/pid1-plugin-NAME or a path; JSON is its options',
  },
  {
    name: 'compat', kind: 'value', arg: 'dumb-init|tini', hidden: true,
    description: 'accept the command line of dumb-init or tini',
  },
];
