/**
 * OpenStack Swift with its S3 front end (s3api), from Debian's packages: a strict,
 * independent S3 implementation (Signature V4 checked, real error documents, 1000-key
 * pages). One node on 127.0.0.1, free ports, a temporary folder; every process started
 * here is stopped by its own PID. See ../shared/notes/real-s3-server.md.
 *
 * `ensureSwiftInstalled()` runs scripts/swift/install.sh (apt-get, root or sudo -n), so
 * a fresh CI machine with only `npm ci && npm test` gets it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { state as nodeVersionWarning } from '@aws-sdk/core/client';

const ROOT = path.resolve(__dirname, '..', '..');

/** The tempauth users of the test server. Test values, not secrets. */
export const SWIFT_ADMIN = { accessKeyId: 'test:tester', secretAccessKey: 'testing' };
/** A user with no rights on any container: AccessDenied. */
export const SWIFT_READER = { accessKeyId: 'test:reader', secretAccessKey: 'readerpass' };

export interface SwiftHandle {
  /** The S3 endpoint (`http://127.0.0.1:<port>`). */
  endpoint: string;
  port: number;
  /** A second proxy on the same store with rate limiting: real `503 SlowDown` answers. */
  throttledEndpoint: string;
  /** Stops the proxy only (the store stays): a server gone mid-listing. */
  killProxy(): void;
  stop(): Promise<void>;
}

let installed = false;

/** Installs Swift from apt when missing (scripts/swift/install.sh). Throws with the script's output when it cannot. */
export function ensureSwiftInstalled(): void {
  if (installed) return;
  execFileSync('bash', [path.join(ROOT, 'scripts', 'swift', 'install.sh'), '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
  installed = true;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function serverConf(kind: string, dir: string, port: number, user: string): string {
  return [
    '[DEFAULT]',
    `devices = ${dir}/srv`,
    'mount_check = false',
    'bind_ip = 127.0.0.1',
    `bind_port = ${port}`,
    'workers = 0',
    `swift_dir = ${dir}`,
    `user = ${user}`,
    'log_level = WARNING',
    '',
    '[pipeline:main]',
    `pipeline = ${kind}-server`,
    '',
    `[app:${kind}-server]`,
    `use = egg:swift#${kind}`,
    '',
    ...(kind === 'container' ? ['[container-sync]', ''] : []),
  ].join('\n');
}

function proxyConf(dir: string, port: number, user: string, memcachePort: number, ratelimit: boolean): string {
  const pipeline =
    `catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api ` +
    `tempauth${ratelimit ? ' ratelimit' : ''} copy slo dlo versioned_writes symlink ` +
    `proxy-logging proxy-server`;
  return [
    '[DEFAULT]',
    'bind_ip = 127.0.0.1',
    `bind_port = ${port}`,
    'workers = 0',
    `swift_dir = ${dir}`,
    `user = ${user}`,
    'log_level = WARNING',
    '',
    '[pipeline:main]',
    `pipeline = ${pipeline}`,
    '',
    '[app:proxy-server]',
    'use = egg:swift#proxy',
    'account_autocreate = true',
    '',
    '[filter:catch_errors]',
    'use = egg:swift#catch_errors',
    '',
    '[filter:gatekeeper]',
    'use = egg:swift#gatekeeper',
    '',
    '[filter:healthcheck]',
    'use = egg:swift#healthcheck',
    '',
    '[filter:proxy-logging]',
    'use = egg:swift#proxy_logging',
    '',
    '[filter:cache]',
    'use = egg:swift#memcache',
    `memcache_servers = 127.0.0.1:${memcachePort}`,
    '',
    '[filter:listing_formats]',
    'use = egg:swift#listing_formats',
    '',
    '[filter:bulk]',
    'use = egg:swift#bulk',
    '',
    '[filter:s3api]',
    'use = egg:swift#s3api',
    'location = us-east-1',
    '',
    '[filter:tempauth]',
    'use = egg:swift#tempauth',
    'user_test_tester = testing .admin',
    'user_test_reader = readerpass',
    '',
    '[filter:ratelimit]',
    'use = egg:swift#ratelimit',
    'container_listing_ratelimit_0 = 1',
    'max_sleep_time_seconds = 0.001',
    '',
    '[filter:copy]',
    'use = egg:swift#copy',
    '',
    '[filter:slo]',
    'use = egg:swift#slo',
    '',
    '[filter:dlo]',
    'use = egg:swift#dlo',
    '',
    '[filter:versioned_writes]',
    'use = egg:swift#versioned_writes',
    '',
    '[filter:symlink]',
    'use = egg:swift#symlink',
    '',
  ].join('\n');
}

async function healthy(port: number): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/healthcheck`);
    return r.status === 200;
  } catch {
    return false;
  }
}

/** Starts memcached, the account/container/object servers and two proxies (one rate-limited). */
export async function startSwift(): Promise<SwiftHandle> {
  ensureSwiftInstalled();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tv-swift-'));
  const user = os.userInfo().username;
  await fs.mkdir(path.join(dir, 'srv', 'd1'), { recursive: true });
  const [memcachePort, accountPort, containerPort, objectPort, proxyPort, throttledPort] = await Promise.all(
    Array.from({ length: 6 }, () => freePort()),
  );
  const ports: Record<string, number> = { account: accountPort, container: containerPort, object: objectPort };
  for (const [kind, port] of Object.entries(ports)) {
    const builder = path.join(dir, `${kind}.builder`);
    execFileSync('swift-ring-builder', [builder, 'create', '10', '1', '1'], { stdio: 'ignore' });
    execFileSync('swift-ring-builder', [builder, 'add', `r1z1-127.0.0.1:${port}/d1`, '1'], { stdio: 'ignore' });
    execFileSync('swift-ring-builder', [builder, 'rebalance'], { stdio: 'ignore' });
    await fs.writeFile(path.join(dir, `${kind}-server.conf`), serverConf(kind, dir, port, user));
  }
  await fs.writeFile(path.join(dir, 'proxy-server.conf'), proxyConf(dir, proxyPort, user, memcachePort, false));
  await fs.writeFile(path.join(dir, 'proxy-throttled.conf'), proxyConf(dir, throttledPort, user, memcachePort, true));

  const children: ChildProcess[] = [];
  let output = '';
  const start = (cmd: string, args: string[]) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    c.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    c.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    children.push(c);
    return c;
  };
  const stopAll = async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => c.kill('SIGKILL'), 3000);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
  };

  start('memcached', ['-l', '127.0.0.1', '-p', String(memcachePort), '-U', '0', ...(user === 'root' ? ['-u', 'root'] : [])]);
  for (const kind of Object.keys(ports)) start(`swift-${kind}-server`, [path.join(dir, `${kind}-server.conf`), '-v']);
  const proxy = start('swift-proxy-server', [path.join(dir, 'proxy-server.conf'), '-v']);
  start('swift-proxy-server', [path.join(dir, 'proxy-throttled.conf'), '-v']);

  try {
    // Python start-up of five servers: ~16 s on a busy 2-core machine, more under heavy load.
    const deadline = Date.now() + 90_000;
    while (!((await healthy(proxyPort)) && (await healthy(throttledPort)))) {
      if (Date.now() > deadline) throw new Error(`Swift did not answer /healthcheck within 90 s:\n${output}`);
      const dead = children.find((c) => c.exitCode !== null);
      if (dead) throw new Error(`a Swift process exited (${dead.spawnargs.join(' ')}):\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Right after start the proxy answers 503 "Please reduce your request rate" for a moment.
    const client = swiftClient(`http://127.0.0.1:${proxyPort}`);
    for (let k = 0; ; k++) {
      try {
        await client.send(new CreateBucketCommand({ Bucket: 'tv-warmup' }));
        break;
      } catch (e) {
        if (k > 50) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    client.destroy();
  } catch (e) {
    await stopAll();
    await fs.rm(dir, { recursive: true, force: true });
    throw e;
  }

  return {
    endpoint: `http://127.0.0.1:${proxyPort}`,
    port: proxyPort,
    throttledEndpoint: `http://127.0.0.1:${throttledPort}`,
    killProxy: () => {
      if (proxy.exitCode === null) proxy.kill('SIGKILL');
    },
    stop: async () => {
      await stopAll();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** An SDK client of the admin user, for creating buckets and putting objects. */
export function swiftClient(endpoint: string): S3Client {
  // As the product does (s3Client.ts): the SDK's own "already warned" flag, not process.env.
  nodeVersionWarning.warningEmitted = true;
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: SWIFT_ADMIN,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    maxAttempts: 1,
  });
}

/** Creates the bucket and puts the objects (metadata as `x-amz-meta-*`), a few in flight. */
export async function seedSwift(
  endpoint: string,
  bucket: string,
  objects: { key: string; metadata?: Record<string, string> }[],
): Promise<void> {
  const client = swiftClient(endpoint);
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    let next = 0;
    const worker = async () => {
      while (next < objects.length) {
        const o = objects[next++];
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: o.key, Body: Buffer.alloc(8, 1), Metadata: o.metadata }));
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    client.destroy();
  }
}
