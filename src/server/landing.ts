const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1d2433}' +
  'code{background:#eef1f6;padding:0 .3em;border-radius:3px}label{display:block;margin:.8rem 0 .2rem}' +
  'input{font:inherit;padding:.3rem;width:20rem;max-width:100%}button{font:inherit;margin-top:1rem;padding:.3rem 1rem}';

const page = (title: string, body: string, script = '') => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>
<style>${STYLE}</style>${script ? `\n<script src="${script}" defer></script>` : ''}
</head>
<body>
${body}
</body>
</html>
`;

/**
 * What a browser shows at the server's root until the web app arrives: where the API and its docs
 * are, and the demo's accounts only when the demo is what the server holds.
 */
export function landingPage(demoLoaded: boolean): string {
  const demo = demoLoaded
    ? '<p>This server holds the Geneva demo. Sign in with <code>POST /api/auth/login</code> and a demo account such as <code>ua@demo.parley</code> (password <code>parley-demo</code>, demo only).</p>'
    : '<p>Sign in with <code>POST /api/auth/login</code> and the account you were given or invited to.</p>';
  return page(
    'Parley',
    `<h1>Parley</h1>
<p>A workspace where several parties negotiate one structured agreement, and a mediator helps them find it.</p>
<ul>
<li><a href="/api/docs">API documentation</a> (OpenAPI: <a href="/api/openapi.json"><code>/api/openapi.json</code></a>)</li>
<li>Health: <a href="/api/health"><code>/api/health</code></a></li>
</ul>
${demo}`,
  );
}

/** The page an invitation link opens: the seat offered, and a form to choose a name and password. */
export const INVITATION_PAGE = page(
  'Parley: an invitation',
  `<h1>An invitation to Parley</h1>
<p id="offer">Reading the invitation…</p>
<form id="accept" hidden>
<label for="name">Your name, as the others at the table will read it</label><input id="name" autocomplete="name" required>
<label for="password">Choose a password (8 characters or more; if you have an account, its password)</label><input id="password" type="password" autocomplete="new-password" minlength="8" required>
<button type="submit">Accept and take the seat</button>
</form>
<p id="result" role="status"></p>`,
  '/invite.js',
);

/** The invitation page's script: reads the token from the path, shows the offer, accepts it. */
export const INVITATION_SCRIPT = `const token = location.pathname.split('/').pop();
const offer = document.getElementById('offer');
const form = document.getElementById('accept');
const result = document.getElementById('result');
fetch('/api/invitations/' + encodeURIComponent(token)).then(async (answer) => {
  const body = await answer.json();
  if (!answer.ok) { offer.textContent = body.detail; return; }
  offer.textContent = 'You are invited to "' + body.negotiationTitle + '" as ' + body.role + (body.partyName ? ' of ' + body.partyName : '') + ', with the e-mail ' + body.email + '. The link expires on ' + new Date(body.expiresAt).toLocaleString() + '.';
  form.hidden = false;
});
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const answer = await fetch('/api/invitations/accept', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, name: document.getElementById('name').value, password: document.getElementById('password').value }) });
  const body = await answer.json();
  if (!answer.ok) { result.textContent = body.detail; return; }
  form.hidden = true;
  result.textContent = 'You have your seat. Sign in with your e-mail and the password you chose.';
});
`;
