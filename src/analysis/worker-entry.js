// The analysis worker's entry when running from the TypeScript sources (the tests): workers do not
// inherit the parent's loader, so it registers tsx before importing worker-main.ts. The built
// command starts dist/analysis/worker-main.js directly and needs no tsx.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
