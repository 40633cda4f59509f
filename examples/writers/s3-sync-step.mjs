// The seed's S3 sync utility (ui/config/utils/s3-lora-sync.ts), rewritten with the
// training-versions library: the listing goes to every style folder's file through
// syncObjects, which matches objects to entries by the product's rules (job id in the
// metadata, same object, id is the stem, version name is the label), never downgrades
// an accelerated URL and never adds a duplicate — running it twice changes only lastSynced.
//
//   node examples/writers/s3-sync-step.mjs --bucket B [--prefix P] [--region R]
//        [--endpoint URL] [--path-style] [--read-metadata] STYLES_DIR
//
// Needs @aws-sdk/client-s3 (npm install @aws-sdk/client-s3) and AWS credentials as usual.
import { copyFile, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { styleIdOfFolder, syncObjects } from 'training-versions';

/** Every object under `prefix` (all pages), with its user metadata when `readMetadata`. */
export async function listObjects(client, { bucket, prefix = '', readMetadata = false }) {
  const { HeadObjectCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const objects = [];
  let token;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) objects.push({ bucket, key: o.Key, lastModified: o.LastModified });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  if (readMetadata) {
    for (const o of objects) {
      if (!o.key.endsWith('.safetensors')) continue;
      o.metadata = (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: o.key }))).Metadata;
    }
  }
  return objects;
}

/** Replaces a file atomically (temporary file, then rename), after a `.backup` copy. */
async function writeFileAtomic(file, text) {
  await copyFile(file, `${file}.backup`);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file).catch(async (e) => {
    await rm(tmp, { force: true });
    throw e;
  });
}

/** Syncs the listing into each `<stylesDir>/<N_name>/training_versions.json`; returns the folders changed. */
export async function syncStyles(stylesDir, objects, options = {}) {
  const now = options.now ?? new Date(); // one time for the whole sync
  const changed = [];
  for (const entry of await readdir(stylesDir, { withFileTypes: true })) {
    const styleId = entry.isDirectory() ? styleIdOfFolder(entry.name) : undefined;
    if (styleId === undefined) continue;
    const file = path.join(stylesDir, entry.name, 'training_versions.json');
    const text = await readFile(file, 'utf8').catch((e) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
    if (text === undefined) continue;
    const r = syncObjects(text, objects, { ...options, styleId, now });
    if (!r.changed) continue;
    await writeFileAtomic(file, r.text);
    changed.push(entry.name);
  }
  return changed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      bucket: { type: 'string' }, prefix: { type: 'string' }, region: { type: 'string' },
      endpoint: { type: 'string' }, 'path-style': { type: 'boolean' }, 'read-metadata': { type: 'boolean' },
    },
  });
  if (!values.bucket || positionals.length !== 1) {
    console.error('usage: node s3-sync-step.mjs --bucket B [--prefix P] [--region R] [--endpoint URL] [--path-style] [--read-metadata] STYLES_DIR');
    process.exit(2);
  }
  const { S3Client } = await import('@aws-sdk/client-s3');
  const region = values.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const client = new S3Client({ region, endpoint: values.endpoint, forcePathStyle: values['path-style'] });
  try {
    const objects = await listObjects(client, { bucket: values.bucket, prefix: values.prefix, readMetadata: values['read-metadata'] });
    const changed = await syncStyles(positionals[0], objects, { region, endpoint: values.endpoint, forcePathStyle: values['path-style'] });
    console.log(`${objects.length} objects listed; ${changed.length ? `updated ${changed.join(', ')}` : 'nothing to update'}.`);
  } finally {
    client.destroy();
  }
}
