// The files' worker entry when running from the TypeScript sources (the tests): workers do not
// inherit the parent's loader, so it registers tsx before importing file-worker-main.ts. The built
// command starts dist/server/file-worker-main.js directly and needs no tsx.
import { register } from 'tsx/esm/api';

register();
await import('./file-worker-main.ts');
