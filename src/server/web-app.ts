import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import type { Store } from '../store/store.ts';
import { DEMO_ADMIN_EMAIL } from '../demo/load.ts';
import { landingPage } from './landing.ts';
import { MAX_PARAM_LENGTH, problemFor, sendProblem } from './problems.ts';
import { open, type App } from './routes/shared.ts';

/** Where `npm run build` puts the web app: dist/web beside the package's sources (from src/ or dist/). */
export const DEFAULT_WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'web');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The web app's own pages (its router's paths); no other path gets the app's page. */
const APP_PAGE = /^\/(?:n|invite|set-password|account|sign-in)(?:\/[A-Za-z0-9._~%-]+)*\/?$/;

function filesUnder(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      // The build's own marks (.built) are not the app's.
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set('/' + relative(root, path).split(sep).join('/'), readFileSync(path));
    }
  };
  walk(root);
  return files;
}

/**
 * The web app at `/`: the built files, read once at start (only those, so no spelling of a path
 * reaches any other file), and its page for every other path outside /api, where the app's own router
 * takes over. Without a build, `/` says how to use the API instead.
 */
export function webRoutes(app: App, store: Store, webRoot: string = DEFAULT_WEB_ROOT): void {
  const files = existsSync(join(webRoot, 'index.html')) ? filesUnder(webRoot) : null;
  const page = files?.get('/index.html');
  const sendFile = (reply: FastifyReply, path: string, body: Buffer) =>
    reply
      .type(TYPES[extname(path)] ?? 'application/octet-stream')
      // Vite names built assets by their content: they never change under the same name.
      .header('cache-control', path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(body);
  const answer = async (url: string, reply: FastifyReply) => {
    const path = url.split('?')[0]!;
    if (files && page) {
      const file = files.get(path);
      if (file && path !== '/index.html') return sendFile(reply, path, file);
      if (path === '/' || APP_PAGE.test(path)) return sendFile(reply, '/index.html', page);
    } else if (path === '/') {
      const demo = await store.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', DEMO_ADMIN_EMAIL)
        .executeTakeFirst();
      return reply.type('text/html; charset=utf-8').send(landingPage(demo !== undefined));
    }
    // A part longer than any id made the router give up on the API's routes: say so, as they would.
    if (path.split('/').some((part) => part.length > MAX_PARAM_LENGTH))
      return sendProblem(reply, problemFor(Object.assign(new Error('URI Too Long'), { statusCode: 414 })));
    // Anything else, however spelled (//api/…, /API/…, /%61pi/…), is no page and no route.
    return sendProblem(reply, {
      status: 404,
      title: 'Not Found',
      detail: `there is no route GET ${path}; the API is described at /api/docs`,
    });
  };
  app.get('/', { config: open, schema: { hide: true } }, (request, reply) => answer(request.url, reply));
  app.get('/*', { config: open, schema: { hide: true } }, (request, reply) => answer(request.url, reply));
}
