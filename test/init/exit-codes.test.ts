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

test('a missing command exits 127, a non-executable one 126, each with one line naming it', () => {
  const { chmodSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs') as typeof import('node:fs');
  const dir = mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'pid1-exec-'));
  try {
    writeFileSync(`${dir}/script`, '#!/bin/sh\necho ran\n');
    chmodSync(`${dir}/script`, 0o644);
    const cases: [string[], number, RegExp][] = [
      [['no-such-command-xyz'], 127, /^\[entrypoint\] error: no-such-command-xyz: command not found$/],
      [[`${dir}/missing`], 127, /: no such file or directory$/],
      [[`${dir}/script`], 126, /script: permission denied$/],
      [[dir], 126, /: is a directory$/],
    ];
    for (const [command, code, message] of cases) {
      const r = run(['--', ...command]);
      assert.equal(r.code, code, command.join(' '));
      assert.equal(r.stdout, '', 'nothing ran');
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
