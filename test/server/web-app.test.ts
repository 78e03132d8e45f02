import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { API_TYPES_FILE, apiTypes } from '../../scripts/api-types.ts';
// @ts-expect-error: a plain JavaScript module without types
import { firstPageBytes } from '../../scripts/build.js';
import { demoDatabase, startServer, type RunningServer } from '../helpers.ts';

describe('the web app as the server serves it', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer(await demoDatabase());
  });

  test("the web client's types are those of the API's OpenAPI document (npm run api-types rewrites them)", async () => {
    assert.equal(
      readFileSync(API_TYPES_FILE, 'utf8'),
      await apiTypes(),
      'web/src/api/openapi.d.ts is out of date: run npm run api-types',
    );
  });

  test('the first page loads under 250 KB of gzipped JavaScript and CSS', () => {
    const { files, total } = firstPageBytes() as { files: string[]; total: number };
    assert.ok(
      files.some((f) => f.endsWith('.js')),
      'the page loads a script',
    );
    assert.ok(total < 250 * 1024, `the first page loads ${(total / 1024).toFixed(1)} KB gzipped`);
  });

  test("the app's page answers at / and at its own paths, with the content security policy", async () => {
    for (const path of ['/', '/n/geneva-2025/text', '/invite/some-token', '/set-password/some-token', '/account']) {
      const answer = await fetch(server.url + path);
      assert.equal(answer.status, 200, path);
      assert.match(answer.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await answer.text(), /<div id="root">/);
      assert.match(answer.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.equal(answer.headers.get('cache-control'), 'no-cache', 'the page itself is always revalidated');
    }
  });

  test('built assets are served with a long cache, by their exact names', async () => {
    const page = await (await fetch(server.url + '/')).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    assert.ok(script);
    const answer = await fetch(server.url + script);
    assert.equal(answer.status, 200);
    assert.match(answer.headers.get('content-type') ?? '', /javascript/);
    assert.match(answer.headers.get('cache-control') ?? '', /immutable/);
  });

  test('no other path reaches a file or the page, however spelled', async () => {
    for (const path of [
      '/package.json',
      '/../package.json',
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/missing.js',
      '//api/me',
      '/API/me',
      '/%61pi/me',
      '/src/main.tsx',
      '/.built',
    ]) {
      const answer = await fetch(server.url + path);
      // 404, or for a spelling the router decodes into an API route (/%61pi/me), that route's 401.
      assert.ok([401, 404].includes(answer.status), `${path} answered ${answer.status}`);
      assert.doesNotMatch(await answer.text(), /"name": "parley"|<div id="root">/, path);
    }
  });

  test('no cache keeps an answer of the API, however its path is spelled', async () => {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ua@demo.parley', password: 'parley-demo' }),
    });
    const { token } = (await login.json()) as { token: string };
    for (const path of [
      '/api/negotiations/geneva-2025/preferences',
      '/%61pi/negotiations/geneva-2025/preferences',
      '/%61%70%69/negotiations/geneva-2025/positions',
      '/api/%6Eegotiations/geneva-2025/red-lines',
    ])
      for (const method of ['GET', 'HEAD']) {
        const answer = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${token}` } });
        assert.equal(answer.status, 200, `${method} ${path}`);
        assert.equal(answer.headers.get('cache-control'), 'no-store', `${method} ${path}`);
      }
  });
});
