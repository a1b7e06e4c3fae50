/**
 * The entrypoint's own log. Everything goes to stderr (stdout belongs to the application), with
 * synchronous writes so nothing is lost when PID 1 exits right after logging.
 */
import { writeSync } from 'node:fs';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFormat = 'text' | 'json';
const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export class Logger {
  private threshold: number;
  private readonly secrets = new Set<string>();

  constructor(level: LogLevel = 'warn', private format: LogFormat = 'text', private readonly prefix = 'entrypoint') {
    this.threshold = RANK[level];
  }

  configure(level: LogLevel, format: LogFormat): void {
    this.threshold = RANK[level];
    this.format = format;
  }

  /** True when a message at `level` would be written: guard costly messages with it. */
  enabled(level: LogLevel): boolean {
    return RANK[level] <= this.threshold;
  }

  /**
   * Registers a secret value: it is replaced by `***` in every later log line. Short values are
   * not registered, as masking them would garble unrelated text.
   */
  redact(value: string): void {
    if (value.length >= 4) this.secrets.add(value);
  }

  error(msg: string, fields?: Record<string, unknown>): void { this.write('error', msg, fields); }
  warn(msg: string, fields?: Record<string, unknown>): void { this.write('warn', msg, fields); }
  info(msg: string, fields?: Record<string, unknown>): void { this.write('info', msg, fields); }
  debug(msg: string, fields?: Record<string, unknown>): void { this.write('debug', msg, fields); }

  private write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (RANK[level] > this.threshold) return;
    let line: string;
    if (this.format === 'json') {
      line = JSON.stringify({ time: new Date().toISOString(), level, name: this.prefix, msg, ...fields });
    } else {
      const tag = level === 'error' ? 'error: ' : level === 'warn' ? 'warning: ' : '';
      line = `[${this.prefix}] ${tag}${msg}`;
    }
    for (const s of this.secrets) if (line.includes(s)) line = line.split(s).join('***');
    try {
      writeSync(2, line + '\n');
    } catch {
      // stderr closed or full: a PID 1 must not die of its own logging.
    }
  }
}
