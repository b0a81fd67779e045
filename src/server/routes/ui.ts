/**
 * The dashboard: the files Vite built into `ui/dist`, served at `/`. The app routes by URL hash,
 * so any other page path gets `index.html` (the SPA fallback); API-looking paths keep their
 * JSON 404. A small handler rather than a static-files plugin: the dashboard is one HTML file,
 * a few hashed assets, and nothing else is ever served from disk.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { badRequest, notFound } from '../errors.js';

/** `ui/dist` of the package: three levels above dist/src/server/routes is the package root. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../../../ui/dist/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Paths that belong to the server itself: an unknown one is a JSON 404, never the dashboard. */
const SERVER_PREFIXES = ['/api/', '/metrics', '/healthz'];

const MISSING_UI = `<!doctype html><meta charset="utf-8"><title>Harrier</title>
<h1>The Harrier dashboard is not built</h1>
<p>Run <code>npm run build:ui</code> in Harrier's directory (it writes <code>ui/dist</code>), then reload.
The JSON API is served anyway under <a href="/api/v1/runs">/api/v1/runs</a>.</p>\n`;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function sendFile(reply: FastifyReply, path: string, immutable: boolean): Promise<FastifyReply> {
  const body = await readFile(path);
  // Vite puts a content hash in every asset's name, so those never change; index.html must be re-read.
  void reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  return reply.type(CONTENT_TYPES[extname(path)] ?? 'application/octet-stream').send(body);
}

export function uiRoutes(app: FastifyInstance, uiDir: string): void {
  const root = normalize(uiDir.endsWith(sep) ? uiDir : uiDir + sep);
  app.get('/*', async (request, reply) => {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?')[0] ?? '/');
    } catch {
      throw badRequest(`malformed percent-encoding in ${request.url}`);
    }
    if (SERVER_PREFIXES.some((p) => path.startsWith(p))) throw notFound(`no route GET ${path}`);
    const index = join(root, 'index.html');
    if (!(await isFile(index))) return reply.code(503).type('text/html; charset=utf-8').send(MISSING_UI);
    const wanted = normalize(join(root, path));
    // normalize() resolves `..`; a path that leaves ui/dist falls back to the page, never a file outside.
    if (path !== '/' && wanted.startsWith(root) && (await isFile(wanted)))
      return sendFile(reply, wanted, wanted.startsWith(join(root, 'assets') + sep));
    return sendFile(reply, index, false);
  });
}
