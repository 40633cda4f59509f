/**
 * A real S3 API on 127.0.0.1 for tests and the benchmark: s3rver in a child
 * process (started with --openssl-legacy-provider, which its paginated listing
 * needs), on a free port, with a temporary directory removed on stop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { state as nodeVersionWarning } from '@aws-sdk/core/client';

export interface SeedObject {
  key: string;
  /** User metadata, without `x-amz-meta-`. */
  metadata?: Record<string, string>;
  size?: number;
}

export interface ServerStats {
  list: number;
  head: number;
  put: number;
  other: number;
}

export interface S3rverHandle {
  endpoint: string;
  port: number;
  /** Request counts since start (or the last `resetStats`). */
  stats(): Promise<ServerStats>;
  resetStats(): Promise<ServerStats>;
  /** Kills the server at once (SIGKILL): a connection dropped half-way. */
  kill(): void;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** The credentials s3rver accepts. Test values, not secrets. */
export const S3RVER_ENV = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * `root`: the repository (default: two folders above this file). A bundled copy of this
 * module (the integration tests run as esbuild bundles in out/) names it: the child runs
 * from the TypeScript source of s3rverChild.ts there, through tsx.
 */
export async function startS3rver(options: {
  buckets: string[];
  seed?: { bucket: string; objects: SeedObject[] }[];
  root?: string;
}): Promise<S3rverHandle> {
  const root = options.root ?? ROOT;
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), 'tv-s3rver-'));
  // The config goes through a file: thousands of seed keys exceed what an environment variable may hold.
  const configFile = path.join(directory, 'tv-config.json');
  await fs.writeFile(
    configFile,
    JSON.stringify({ directory: path.join(directory, 'store'), buckets: options.buckets, seed: options.seed ?? [] }),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, TV_S3RVER_CONFIG_FILE: configFile };
  delete env.NODE_TEST_CONTEXT; // the child runs no tests
  delete env.NODE_OPTIONS;
  const child: ChildProcess = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '--import', 'tsx', path.join(root, 'test', 'support', 's3rverChild.ts')],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );

  const port = await new Promise<number>((resolve, reject) => {
    const onMessage = (m: { ready?: { port: number }; error?: string }) => {
      if (m.ready) resolve(m.ready.port);
      else if (m.error) reject(new Error(`s3rver failed: ${m.error}`));
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before it was ready: ${stderr}`)));
  }).catch(async (e: unknown) => {
    child.kill('SIGKILL');
    await fs.rm(directory, { recursive: true, force: true });
    throw e;
  });

  const ask = (cmd: string) =>
    new Promise<ServerStats>((resolve, reject) => {
      if (exited) return reject(new Error('s3rver is not running'));
      const onMessage = (m: { stats?: ServerStats }) => {
        if (m.stats) {
          child.off('message', onMessage);
          resolve(m.stats);
        }
      };
      child.on('message', onMessage);
      child.send({ cmd });
    });

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stats: () => ask('stats'),
    resetStats: () => ask('reset-stats'),
    kill: () => {
      if (!exited) child.kill('SIGKILL');
    },
    stop: async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exit;
        clearTimeout(timer);
      }
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

/** An SDK client for putting test objects through the real S3 API. */
export function seedClient(endpoint: string): S3Client {
  // As the product does (s3Client.ts): the SDK's own "already warned" flag, not process.env.
  nodeVersionWarning.warningEmitted = true;
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: S3RVER_ENV.AWS_SECRET_ACCESS_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Puts objects through the API (metadata as `x-amz-meta-*`). */
export async function putObjects(client: S3Client, bucket: string, objects: SeedObject[]): Promise<void> {
  for (const o of objects) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: o.key, Body: Buffer.alloc(o.size ?? 16, 1), Metadata: o.metadata }));
  }
}
