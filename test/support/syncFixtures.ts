/**
 * A small workspace and bucket holding every case of the seeds' S3 sync fixes
 * (seeds/004 §3 and §4, seeds/000): shared by the S3 server and CLI tests.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BUCKET, PREFIX, REGION, parseText } from './helpers';
import type { SeedObject } from './s3rver';

export { BUCKET, PREFIX, REGION };
export const ACCEL = `https://${BUCKET}.s3-accelerate.amazonaws.com/${PREFIX}`;
export const REGULAR = `https://${BUCKET}.s3.${REGION}.amazonaws.com/${PREFIX}`;

/** The webhook's retried job (seeds/004 §2): stored with `-e2`, the metadata holds the base id. */
export const RETRIED_JOB = '26945dbf-4e87-4574-ad26-b1f71e865942';
export const FIRST_JOB = '0c6d7e21-93b4-4d02-8f1a-7a5e4c3b2a10-e1';

const PARAMS = { network_dim: 16, network_alpha: 16, learning_rate: 0.0001 };

/** Folder name → file content (an object, laid out below, or raw text). */
export const SEED_FILES: Record<string, unknown> = {
  // Accelerated URL kept (V7), regular URL upgraded (V6); style_1_vV8 is new.
  '1_ink_intensity': {
    versions: [
      {
        id: '3e248bb6-012c-4384-ae6c-4b19c126d093-e1',
        name: 'V7',
        timestamp: '2025-10-12T08:14:00.884Z',
        parameters: PARAMS,
        status: 'completed',
        selectionSetId: 1,
        imageCount: 43,
        loraUrl: `${ACCEL}style_1_vV7.safetensors`,
        completedAt: '2025-10-12T08:41:05.201Z',
      },
      {
        id: 'b91f0c2e-6a1d-4f7e-9c55-2d8e0a7b3c41-e1',
        name: 'V6',
        timestamp: '2025-10-02T16:20:11.402Z',
        parameters: PARAMS,
        status: 'completed',
        selectionSetId: 1,
        imageCount: 38,
        loraUrl: `${REGULAR}style_1_vV6.safetensors`,
        completedAt: '2025-10-02T16:44:52.019Z',
      },
    ],
  },
  // seeds/004 §4: "V4" is style_59_vV4.safetensors; the entry has no loraUrl yet.
  '59_comic_halftone': {
    versions: [
      {
        id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918-e2',
        name: 'V4',
        timestamp: '2025-10-14T08:00:12.000Z',
        parameters: { network_dim: 32, network_alpha: 32, learning_rate: 0.00005 },
        status: 'training',
        selectionSetId: 12,
        imageCount: 60,
      },
    ],
  },
  // Style 5: its "V4" must not take style_59_vV4 (style ids differ).
  '5_pencil': {
    versions: [
      {
        id: 'a0a0a0a0-1111-4222-8333-444444444444-e1',
        name: 'V4',
        timestamp: '2025-09-01T00:00:00.000Z',
        parameters: PARAMS,
        status: 'pending',
        selectionSetId: 5,
        imageCount: 10,
      },
    ],
  },
  // Id is the stem (an older sync's entry that lost its URL).
  '12_charcoal_sketch': {
    versions: [
      {
        id: 'style_12_vV2',
        name: 'style_12_vV2.safetensors',
        status: 'completed',
        timestamp: '2025-10-11T20:17:43+00:00',
        parameters: {},
        description: 'Synced from S3',
      },
    ],
  },
};

/** 4-space, CRLF, BOM and an extra top-level key: must all survive. Job-id matches only. */
export const WATERCOLOR_TEXT =
  '\ufeff' +
  JSON.stringify(
    {
      versions: [
        {
          id: `${RETRIED_JOB}-e2`,
          name: 'Watercolor retry',
          timestamp: '2025-10-13T10:11:05.877Z',
          parameters: PARAMS,
          status: 'training',
          selectionSetId: 4,
          imageCount: 51,
        },
        {
          id: FIRST_JOB,
          name: 'Watercolor first',
          timestamp: '2025-09-28T07:45:19.000Z',
          parameters: PARAMS,
          status: 'training',
          selectionSetId: 3,
          imageCount: 40,
        },
      ],
      updatedBy: 'webhook-handler',
    },
    null,
    4,
  ).replace(/\n/g, '\r\n') +
  '\r\n';

export const SEED_OBJECTS: SeedObject[] = [
  { key: `${PREFIX}style_1_vV7.safetensors` },
  { key: `${PREFIX}style_1_vV6.safetensors` },
  { key: `${PREFIX}style_1_vV8.safetensors` },
  { key: `${PREFIX}style_59_vV4.safetensors` },
  { key: `${PREFIX}style_12_vV2.safetensors` },
  // The metadata names the base id; the entry holds `-e2`.
  { key: `${PREFIX}style_3_vV2.safetensors`, metadata: { 'runpod-job-id': RETRIED_JOB } },
  // The Python uploader's spelling, full id.
  { key: `${PREFIX}style_3_vV1.safetensors`, metadata: { runpod_job_id: FIRST_JOB } },
  // No folder for style 99.
  { key: `${PREFIX}style_99_vV1.safetensors` },
  // Not model files.
  { key: `${PREFIX}README.txt` },
  { key: `${PREFIX}style_1_vV7.ckpt` },
];

/** Writes the workspace into `dir`; returns folder name → file path. */
export async function writeSeedWorkspace(dir: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const files: Record<string, string> = { '3_watercolor_wash': WATERCOLOR_TEXT, ...extra };
  for (const [folder, content] of Object.entries(SEED_FILES)) files[folder] = JSON.stringify(content, null, 2) + '\n';
  for (const [folder, text] of Object.entries(files)) {
    await fs.mkdir(path.join(dir, folder), { recursive: true });
    const p = path.join(dir, folder, 'training_versions.json');
    await fs.writeFile(p, text);
    out[folder] = p;
  }
  return out;
}

/** A JSON value without `lastSynced` anywhere in `versions`: what a re-sync must leave equal. */
export function withoutLastSynced(text: string): unknown {
  const doc = parseText(text);
  return { ...doc, versions: doc.versions.map(({ lastSynced: _l, ...rest }) => rest) };
}
