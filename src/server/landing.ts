/** What a browser shows at the server's root until the web app arrives: where the API and its docs are. */
export const LANDING_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Parley</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1d2433}code{background:#eef1f6;padding:0 .3em;border-radius:3px}</style>
</head>
<body>
<h1>Parley</h1>
<p>A workspace where several parties negotiate one structured agreement, and a mediator helps them find it.</p>
<ul>
<li><a href="/api/docs">API documentation</a> (OpenAPI: <a href="/api/openapi.json"><code>/api/openapi.json</code></a>)</li>
<li>Health: <a href="/api/health"><code>/api/health</code></a></li>
</ul>
<p>Sign in with <code>POST /api/auth/login</code> and a demo account such as <code>ua@demo.parley</code> (password <code>parley-demo</code>, demo only).</p>
</body>
</html>
`;
