// The environment benchmarked commands get: small and clean, as in a container. The caller's
// NODE_* settings are left out: NODE_EXTRA_CA_CERTS alone (set on some dev machines and CI
// runners) makes every node start parse a CA bundle, +40 ms on `node -e 0`, which would swamp
// the entrypoint's own cost in every ratio. BENCH_KEEP_ENV=1 passes the caller's environment.
const KEPT = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

/** The clean environment, plus `extra`. */
export function benchEnv(extra = {}) {
  const base = process.env.BENCH_KEEP_ENV
    ? { ...process.env }
    : Object.fromEntries(KEPT.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
  return { ...base, ...extra };
}

/** The caller's variables that matter to node or to us and are left out (for a note). */
export function droppedVariables(env) {
  return Object.keys(process.env).filter((k) => /^NODE_|^UV_|^ENTRYPOINT_|^SKIP_ENTRYPOINT$/.test(k) && !(k in env));
}
