// The seed's RunPod webhook handler (ui/config/utils/webhook-handler.ts), rewritten with the
// training-versions library: the entry is found by its job id, else its base id, and updated the
// way the extension and the command update it — so the handler can no longer miss an entry
// (`-e2` vs the base id) or write a regular URL over an accelerated one.
//
//   node examples/writers/webhook-route.mjs STYLES_DIR [--port N]
//   curl -X POST 'http://127.0.0.1:N/webhook/training?style=1_ink_intensity' -d @body.json
//
// Point RunPod's `webhook` (in the /run request) at that URL, with the style folder in `style`.
import { copyFile, open, readFile, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { applyWebhook } from 'training-versions';

const MAX_BODY = 1 << 20;
const STATUS = { 'invalid-payload': 400, 'no-match': 404, 'invalid-file': 500 };

/** Replaces a file atomically (temporary file, then rename), after a `.backup` copy. */
export async function writeFileAtomic(file, text, { backup = true } = {}) {
  if (backup) await copyFile(file, `${file}.backup`);
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

/** One read-modify-write at a time per file: two webhooks for one style never lose an update. */
const queues = new Map();
function serialized(key, task) {
  const run = (queues.get(key) ?? Promise.resolve()).then(task, task);
  queues.set(key, run.catch(() => {}));
  return run;
}

/** The route: `POST /webhook/training?style=<style folder>` with RunPod's JSON body. */
export function createWebhookHandler({ stylesDir, backup = true }) {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'POST' || url.pathname !== '/webhook/training') return reply(res, 404, { error: 'not found' });
    const style = url.searchParams.get('style') ?? '';
    if (!/^[\w-]+$/.test(style)) return reply(res, 400, { error: 'pass the style folder as ?style=<folder>, e.g. ?style=1_ink_intensity' });
    let body = '';
    for await (const chunk of req) {
      body += chunk;
      if (body.length > MAX_BODY) return reply(res, 413, { error: 'payload too large' });
    }
    const file = path.join(stylesDir, style, 'training_versions.json');
    try {
      const result = await serialized(file, async () => {
        const text = await readFile(file, 'utf8');
        const r = applyWebhook(text, body);
        if (r.changed) await writeFileAtomic(file, r.text, { backup });
        return r;
      });
      if (result.problem) return reply(res, STATUS[result.problem], { error: result.message });
      return reply(res, 200, { versionId: result.versionId, changed: result.changed, message: result.message });
    } catch (e) {
      return reply(res, e.code === 'ENOENT' ? 404 : 500, { error: e.code === 'ENOENT' ? `no training_versions.json for style ${style}` : e.message });
    }
  };
}

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [stylesDir, ...rest] = process.argv.slice(2);
  const port = rest[0] === '--port' ? Number(rest[1]) : 8787;
  if (!stylesDir || !Number.isInteger(port)) {
    console.error('usage: node webhook-route.mjs STYLES_DIR [--port N]');
    process.exit(2);
  }
  const server = createServer(createWebhookHandler({ stylesDir }));
  server.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}/webhook/training`));
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
  });
}
