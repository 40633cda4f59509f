/** The command's own words for usage problems, and its version flags (issue 9's small CLI items). */
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { main } from '../../src/cli/main';
import { captureIO } from '../support/helpers';

async function run(args: string[]) {
  const io = captureIO();
  const code = await main(args, io);
  return { code, out: io.outText, err: io.errText };
}

describe('usage problems', () => {
  test('an unknown option is named, with balanced quotes and where to look', async () => {
    for (const [args, option] of [
      [['check', '--bogus', '.'], '--bogus'],
      [['cleanup', '--bogus=3'], '--bogus'],
      [['sync', '-x', '--bucket', 'b'], '-x'],
    ] as const) {
      const r = await run([...args]);
      assert.equal(r.code, 2, args.join(' '));
      const first = r.err.split('\n')[0];
      assert.equal(
        first,
        `training-versions ${args[0]}: unknown option ${option} (see: training-versions ${args[0]} --help). A path that starts with "-" goes after "--".`,
      );
      for (const q of ["'", '"']) assert.equal(first.split(q).length % 2, 1, `balanced ${q} in: ${first}`);
      assert.match(r.err, /\nUsage: training-versions /);
    }
  });
});

describe('version', () => {
  test('--version, -V and -v print the version alone; so does COMMAND --version', async () => {
    const expected = (await run(['--version'])).out.trim();
    assert.match(expected, /^\d+\.\d+\.\d+/);
    for (const args of [['-V'], ['-v'], ['check', '--version'], ['sync', '--version']]) {
      const r = await run(args);
      assert.deepEqual([r.code, r.out.trim(), r.err], [0, expected, ''], args.join(' '));
    }
  });

  test('a path named --version after "--" is a path, not the flag', async () => {
    const r = await run(['check', '--', '--version']);
    assert.equal(r.code, 2, 'an unreadable path');
    assert.match(r.err, /--version/);
  });
});
