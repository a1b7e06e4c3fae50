/**
 * Derives `workers` from the CPU the container may really use.
 *
 * os.availableParallelism() counts the host's CPUs (or the cpuset), not a `--cpus=2` /
 * Kubernetes `limits.cpu` quota: a 2-CPU pod on a 64-core node would start 64 workers. The
 * quota is in the cgroup: /sys/fs/cgroup/cpu.max (cgroup v2) holds "QUOTA PERIOD" or "max
 * PERIOD"; cgroup v1 has cpu.cfs_quota_us and cpu.cfs_period_us.
 *
 * A `WORKERS` (or `workers`) already set, in the environment or variables.yml, wins.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineHooks } from 'pid1';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** CPUs allowed by the cgroup quota, or undefined when there is none. */
function cgroupCpus(): number | undefined {
  const v2 = read('/sys/fs/cgroup/cpu.max');
  let quota: number;
  let period: number;
  if (v2 !== undefined) {
    const [q, p] = v2.split(/\s+/);
    if (q === 'max') return undefined;
    quota = Number(q);
    period = Number(p);
  } else {
    quota = Number(read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'));
    period = Number(read('/sys/fs/cgroup/cpu/cpu.cfs_period_us'));
  }
  if (!(quota > 0) || !(period > 0)) return undefined;
  return quota / period;
}

export default defineHooks({
  prehook(vars, ctx) {
    const given = vars.WORKERS ?? vars.workers;
    if (given !== undefined && given !== '') {
      const n = Number(given);
      if (!Number.isInteger(n) || n < 1) throw new Error(`workers must be a positive integer, got '${String(given)}'`);
      vars.workers = n;
      return;
    }
    const cpus = availableParallelism();
    const quota = cgroupCpus();
    // A quota of 1.5 CPUs can keep 2 workers busy part of the time: round up, never above the CPUs.
    vars.workers = quota === undefined ? cpus : Math.max(1, Math.min(cpus, Math.ceil(quota)));
    ctx.log.info(`workers = ${vars.workers} (${quota === undefined ? 'no CPU quota' : `CPU quota ${quota}`}, ${cpus} CPUs)`);
  },
});
