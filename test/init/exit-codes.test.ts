import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IS_ROOT, run, sh } from '../helpers/cli';

for (const pid1 of [false, true]) {
  const where = pid1 ? 'as PID 1' : 'as a subreaper';
  test(`exit codes pass through ${where}`, { skip: pid1 && !IS_ROOT }, () => {
    for (const code of [0, 1, 2, 127, 255]) {
      assert.equal(run(sh(`exit ${code}`), { pid1 }).code, code);
    }
  });
  test(`killed by signal N exits 128+N ${where}`, { skip: pid1 && !IS_ROOT }, () => {
    for (const [sig, code] of [['HUP', 129], ['INT', 130], ['QUIT', 131], ['KILL', 137], ['TERM', 143]] as const) {
      assert.equal(run(sh(`kill -${sig} $$`), { pid1 }).code, code, sig);
    }
  });
}
