/**
 * The lazily loaded parts of the extension: bundles next to dist/extension.js that a
 * command (or RunPod polling) loads on its first run, so that activation, diagnostics,
 * the tree, hovers and code actions never parse them (scripts/build.mjs builds them).
 *   dist/sync.js    the S3 sync command, its flow, messages and S3 config (the AWS SDK itself is dist/s3.js);
 *   dist/runpod.js  RunPod status check, polling's check, cancel, webhook apply, key check, the client and its schemas.
 * A chunk holds no state of its own: what is shared (index, log, secrets, caches, the S3
 * lister override, polling's timers) is built at activation and passed in as arguments.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type * as RunpodChunk from './runpodChunk';
import type { RunpodClientFactory } from './runpodClientFactory';
import type { S3ListerFactory } from './s3ListerSource';
import type * as SyncChunk from './syncChunk';

/** Each chunk and its source entry (the same as scripts/build.mjs's entry list). */
const SOURCES = { sync: 'syncChunk', runpod: 'runpodChunk' } as const;
export type ChunkName = keyof typeof SOURCES;

/** dist/<name>.js next to the bundle, else the source (tests and scripts that run from source, as s3.ts does). */
function chunkPath(name: ChunkName): string {
  const bundled = path.join(__dirname, `${name}.js`);
  return existsSync(bundled) ? bundled : path.join(__dirname, SOURCES[name]);
}

function load<T>(name: ChunkName): T {
  // A computed path keeps esbuild from pulling the chunk into this bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(chunkPath(name)) as T;
}

export function syncChunk(): typeof SyncChunk {
  return load('sync');
}

export function runpodChunk(): typeof RunpodChunk {
  return load('runpod');
}

/** The chunks loaded so far (the test API: activation, diagnostics and the tree load none). */
export function loadedChunks(): ChunkName[] {
  return (Object.keys(SOURCES) as ChunkName[]).filter((name) => {
    try {
      return require.cache[require.resolve(chunkPath(name))] !== undefined;
    } catch {
      return false;
    }
  });
}

/** The default S3 lister (the AWS SDK with the default credential chain), built by the sync chunk. */
export const lazyS3Lister: S3ListerFactory = (settings) => syncChunk().createS3Lister(settings);

/** The default RunPod client, built by the RunPod chunk: only a check, a cancel or a key check builds one. */
export const lazyRunpodClientFactory: RunpodClientFactory = (config) => runpodChunk().defaultRunpodClientFactory(config);
