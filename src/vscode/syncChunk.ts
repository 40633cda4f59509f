/** dist/sync.js (chunks.ts): the S3 sync command and what only it uses. Loaded on the first sync. */
export { syncS3 } from './commands/syncS3';
export { createS3Lister } from '../services/s3';
