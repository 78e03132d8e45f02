#!/usr/bin/env node
// Runs the compiled command in dist/ (scripts/build.js builds it on `npm install`, `npm start` and
// `npm test`; `npm run build` after changing src/ when running this file directly).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('parley: the built command (dist/) is missing; build it with `npm run build`\n');
  process.exit(1);
}
// A reader that stops early (`parley export | head`) closes the pipe: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
