/**
 * The `training-versions` command: the engine for CI and pre-commit use.
 * Exit codes: 0 success / nothing at warning or above; 1 findings or a remote
 * error; 2 bad usage or an unreadable path.
 */
import { setFlagsFromString } from 'node:v8';
import { PathError } from '../services/files';
import { type CliIO, UsageError, rejectEmptyValues, v8FlagsFor } from './common';
import { CHECK_USAGE, CLEANUP_USAGE, STATUS_USAGE, SYNC_USAGE, WEBHOOK_USAGE } from './usage';

declare const PACKAGE_VERSION: string | undefined;
const VERSION = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';

type Command = { usage: string; run: (args: string[], io: CliIO) => Promise<number> };

/* eslint-disable @typescript-eslint/no-require-imports */
// Each command's module is initialised when the command runs (esbuild turns a require inside the
// bundle into a lazy init): `check` does not build the RunPod schemas nor load the S3 sync's modules.
const COMMANDS: Record<string, Command> = {
  check: { usage: CHECK_USAGE, run: (a, io) => (require('./check') as typeof import('./check')).runCheck(a, io, VERSION) },
  cleanup: { usage: CLEANUP_USAGE, run: (a, io) => (require('./cleanup') as typeof import('./cleanup')).runCleanup(a, io) },
  status: { usage: STATUS_USAGE, run: (a, io) => (require('./status') as typeof import('./status')).runStatus(a, io) },
  sync: { usage: SYNC_USAGE, run: (a, io) => (require('./sync') as typeof import('./sync')).runSync(a, io) },
  webhook: { usage: WEBHOOK_USAGE, run: (a, io) => (require('./webhook') as typeof import('./webhook')).runWebhook(a, io) },
};
/* eslint-enable @typescript-eslint/no-require-imports */

function usage(): string {
  return [
    'Usage:',
    ...Object.values(COMMANDS).map((c) => '  ' + c.usage),
    '',
    'PATH: files or folders (searched for training_versions.json, skipping node_modules and .git); default "."',
    'Exit codes: 0 ok, 1 findings at warning or above / a remote error, 2 bad usage or unreadable path.',
    'training-versions --version (-V) prints the version; COMMAND --help the options of one command.',
  ].join('\n');
}

const VERSION_FLAGS = new Set(['--version', '-V', '-v']);

/**
 * The sentence for a usage error. Node's parseArgs words an unknown option with an
 * unbalanced quote and advice about positionals; ours names the option and the help.
 */
function usageProblem(e: Error & { code?: string }, command: string, args: string[]): string {
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const unknown =
      args.find((a) => a.startsWith('-') && e.message.includes(`'${a.split('=')[0]}'`)) ?? args.find((a) => a.startsWith('-'));
    return `unknown option ${unknown?.split('=')[0] ?? ''} (see: training-versions ${command} --help). A path that starts with "-" goes after "--".`;
  }
  return e.message;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  // --version, -V and -v print the version; so does `COMMAND --version` (before any "--").
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (VERSION_FLAGS.has(name) || (COMMANDS[name] && options.includes('--version'))) {
    io.out(VERSION);
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    io.err(`Unknown command "${name}".\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out('Usage: ' + cmd.usage);
    return 0;
  }
  try {
    rejectEmptyValues(rest);
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof PathError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`training-versions ${name}: ${usageProblem(e as Error & { code?: string }, name, rest)}\nUsage: ${cmd.usage}`);
      return 2;
    }
    io.err(`training-versions ${name}: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  for (const flag of v8FlagsFor(process.argv[2])) setFlagsFromString(flag);
  const io: CliIO = {
    out: (s) => process.stdout.write(s.endsWith('\n') ? s : s + '\n'),
    err: (s) => process.stderr.write(s.endsWith('\n') ? s : s + '\n'),
    env: process.env,
    cwd: process.cwd(),
    color: !!process.stdout.isTTY && !process.env.NO_COLOR,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`training-versions: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
