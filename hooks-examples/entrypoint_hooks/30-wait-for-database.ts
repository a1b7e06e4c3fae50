/**
 * Waits until the database accepts TCP connections, so the application does not crash-loop
 * while its dependency starts (Compose `depends_on` only waits for the container to start).
 *
 * Runs as a `hook`: after the templates are rendered, before the command starts. The address is
 * `database.host` and `database.port` (variables.yml), overridable with DATABASE_HOST and
 * DATABASE_PORT in the environment; `database.wait_seconds` bounds the wait (0: do not wait).
 * A timeout fails the start with one line naming the address and the last error.
 */
import { connect } from 'node:net';
import { defineHooks } from 'pid1';

interface Database {
  host?: string;
  port?: number;
  wait_seconds?: number;
}

/** One connection attempt: resolves on connect, rejects with the socket's error or after `ms`. */
function tryConnect(host: string, port: number, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${ms} ms`)), ms);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export default defineHooks({
  async hook(vars, ctx) {
    const db = (vars.database ?? {}) as Database;
    const host = String(vars.DATABASE_HOST ?? db.host ?? '');
    const port = Number(vars.DATABASE_PORT ?? db.port ?? 0);
    const waitSeconds = Number(db.wait_seconds ?? 30);
    if (!host || waitSeconds <= 0) return;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`database port must be 1-65535, got '${String(port)}'`);

    const deadline = Date.now() + waitSeconds * 1000;
    let lastError = '';
    for (let attempt = 1; ; attempt++) {
      try {
        await tryConnect(host, port, Math.min(2000, Math.max(1, deadline - Date.now())));
        ctx.log.info(`database ${host}:${port} is up (attempt ${attempt})`);
        return;
      } catch (err) {
        lastError = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      }
      if (Date.now() >= deadline) break;
      if (attempt === 1) ctx.log.info(`waiting up to ${waitSeconds} s for database ${host}:${port} (${lastError})`);
      await new Promise((r) => setTimeout(r, Math.min(250 * attempt, 2000, Math.max(0, deadline - Date.now()))));
    }
    throw new Error(`database ${host}:${port} did not accept a connection within ${waitSeconds} s (last error: ${lastError})`);
  },
});
