/**
 * Runs s3rver (a real S3 API over HTTP) in its own Node process, started by
 * `s3rver.ts` with `--openssl-legacy-provider`: s3rver's continuation tokens use
 * DES, which OpenSSL 3 only offers through the legacy provider.
 *
 * Config (a JSON file named by TV_S3RVER_CONFIG_FILE): { directory, buckets: string[], seed?: {bucket, objects: {key, metadata?, size?}[]}[] }.
 * Reports `{ ready: { port } }` over IPC; answers `{ cmd: 'stats' }` with request counts.
 */
import { promises as fs } from 'node:fs';
import type { IncomingMessage } from 'node:http';

interface SeedObject {
  key: string;
  metadata?: Record<string, string>;
  size?: number;
}
interface ChildConfig {
  directory: string;
  buckets: string[];
  seed?: { bucket: string; objects: SeedObject[] }[];
}
interface Store {
  putObject(o: unknown): Promise<unknown>;
}
interface S3rverInstance {
  store: Store;
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  httpServer: import('node:http').Server;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (o: Record<string, unknown>) => S3rverInstance;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3Object = require('s3rver/lib/models/object') as new (
  bucket: string,
  key: string,
  content: Buffer,
  metadata: Record<string, string>,
) => unknown;

const stats = { list: 0, head: 0, put: 0, other: 0 };

function count(req: IncomingMessage): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const segments = url.pathname.split('/').filter(Boolean);
  if (req.method === 'GET' && segments.length === 1 && url.searchParams.has('list-type')) stats.list++;
  else if (req.method === 'HEAD' && segments.length > 1) stats.head++;
  else if (req.method === 'PUT') stats.put++;
  else stats.other++;
}

async function main(): Promise<void> {
  const config = JSON.parse(await fs.readFile(process.env.TV_S3RVER_CONFIG_FILE ?? '', 'utf8')) as ChildConfig;
  await fs.mkdir(config.directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: config.directory,
    configureBuckets: config.buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  for (const s of config.seed ?? []) {
    // Straight into s3rver's own store: fast for thousands of objects.
    let next = 0;
    const worker = async () => {
      while (next < s.objects.length) {
        const o = s.objects[next++];
        const meta: Record<string, string> = { 'content-type': 'application/octet-stream' };
        for (const [k, v] of Object.entries(o.metadata ?? {})) meta[`x-amz-meta-${k.toLowerCase()}`] = v;
        await server.store.putObject(new S3Object(s.bucket, o.key, Buffer.alloc(o.size ?? 16, 7), meta));
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  }
  server.httpServer.prependListener('request', count);
  process.on('message', (m: { cmd?: string }) => {
    if (m.cmd === 'stats') process.send?.({ stats: { ...stats } });
    if (m.cmd === 'reset-stats') {
      stats.list = stats.head = stats.put = stats.other = 0;
      process.send?.({ stats: { ...stats } });
    }
  });
  process.on('SIGTERM', () => {
    server.close().finally(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: { port } });
}

main().catch((e: unknown) => {
  process.send?.({ error: (e as Error).message });
  process.exit(1);
});
