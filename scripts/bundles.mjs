// The editor's bundles: dist/extension.js, which activation loads, and the chunks loaded
// lazily next to it (dist/sync.js and dist/runpod.js by src/vscode/chunks.ts; dist/s3.js,
// the AWS SDK, by src/services/s3.ts, for the CLI too). One list and one set of esbuild
// options for scripts/build.mjs and the bench's bundle sizes (scripts/bench.ts).
export const EXTENSION_BUNDLES = [
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  {
    entryPoints: ['src/vscode/syncChunk.ts'],
    outfile: 'dist/sync.js',
    external: ['vscode'],
    lazy: 'the S3 sync command, on the first sync',
  },
  {
    entryPoints: ['src/vscode/runpodChunk.ts'],
    outfile: 'dist/runpod.js',
    external: ['vscode'],
    lazy: 'the RunPod commands and polling, on their first run',
  },
  { entryPoints: ['src/services/s3Client.ts'], outfile: 'dist/s3.js', lazy: 'the AWS SDK, by a sync' },
];

/** The esbuild options every bundle shares; CommonJS, which VS Code needs (so no esbuild `splitting`). */
export function commonOptions({ production, version }) {
  return {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    define: { PACKAGE_VERSION: JSON.stringify(version) },
  };
}

/** One bundle's own esbuild options (`lazy`, what loads it when, is ours, not esbuild's). */
export function bundleOptions({ lazy: _lazy, ...options }) {
  return options;
}
