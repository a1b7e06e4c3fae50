/**
 * Reads a secret from a file whose path is a variable (`admin_password_file` in
 * variables.yml, e.g. a Docker or Kubernetes secret under /run/secrets), and gives the
 * templates only what they need: a salted hash, never the password itself.
 *
 * Why not `ADMIN_PASSWORD_FILE` (which the entrypoint reads for you into ADMIN_PASSWORD)? That
 * puts the secret into the command's environment, where every child process and
 * /proc/<pid>/environ can see it. Here it stays in this process.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defineHooks } from 'pid1';

export default defineHooks({
  prehook(vars, ctx) {
    const path = vars.admin_password_file;
    if (typeof path !== 'string' || path === '') return;
    let password: string;
    try {
      password = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new Error(`admin_password_file ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    if (password.length < 12) throw new Error(`admin_password_file ${path}: the password is shorter than 12 characters`);
    // Whatever is logged from here on shows *** in its place.
    ctx.log.redact(password);
    const salt = randomBytes(16);
    const hash = scryptSync(password, salt, 32);
    vars.admin_password_hash = `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
    ctx.log.debug(`admin password read from ${path}`);
  },
});
