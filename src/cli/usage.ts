/** The usage line of each command: what `--help` prints, kept apart so that printing it loads no command. */

export const CHECK_USAGE = 'training-versions check [PATH...] [--format text|json|sarif] [--stale-after-hours N] [--no-prefer-accelerated]';

export const CLEANUP_USAGE = 'training-versions cleanup [PATH...] [--apply] [--no-backup] [--format text|json] [--no-prefer-accelerated]';

export const STATUS_USAGE =
  'training-versions status --endpoint-id ID [--api-url URL] [--id VERSION_ID] [--apply] ' +
  '[--no-backup] [--timeout-ms N] [--format text|json] [--no-prefer-accelerated] ' +
  '[--no-health] [--verbose] [PATH...]  (API key: environment RUNPOD_API_KEY)';

export const SYNC_USAGE =
  'training-versions sync --bucket B [--prefix P] [--region R] [--endpoint URL] ' +
  '[--path-style] [--profile NAME] [--read-metadata] [--timeout-ms N] [--apply] [--no-backup] ' +
  '[--format text|json] [--no-prefer-accelerated] [PATH...]';

export const WEBHOOK_USAGE =
  'training-versions webhook [--payload FILE | -] [--apply] [--no-backup] [--format ' +
  'text|json] [--no-prefer-accelerated] [PATH...]  (the payload is read from standard input by default)';
