const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1d2433}' +
  'code{background:#eef1f6;padding:0 .3em;border-radius:3px}label{display:block;margin:.8rem 0 .2rem}' +
  'input{font:inherit;padding:.3rem;width:20rem;max-width:100%}button{font:inherit;margin-top:1rem;padding:.3rem 1rem}';

const page = (title: string, body: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;

/**
 * What a browser shows at the server's root when the web app is not built (`npm run build` builds
 * it): where the API and its docs are, and the demo's accounts only when the demo is what the server holds.
 */
export function landingPage(demoLoaded: boolean): string {
  const demo = demoLoaded
    ? '<p>This server holds the Geneva demo. Sign in with <code>POST /api/auth/login</code> and a demo account such as <code>ua@demo.parley</code> (password <code>parley-demo</code>, demo only).</p>'
    : '<p>Sign in with <code>POST /api/auth/login</code> and the account you were given or invited to.</p>';
  return page(
    'Parley',
    `<h1>Parley</h1>
<p>A workspace where several parties negotiate one structured agreement, and a mediator helps them find it.</p>
<p>The web app is not built on this server: run <code>npm run build</code>, then start it again. Meanwhile, everything is in the API; an invitation link is accepted with <code>POST /api/invitations/accept</code>.</p>
<ul>
<li><a href="/api/docs">API documentation</a> (OpenAPI: <a href="/api/openapi.json"><code>/api/openapi.json</code></a>)</li>
<li>Health: <a href="/api/health"><code>/api/health</code></a></li>
</ul>
${demo}`,
  );
}
