// The comparison worker's entry when running from the TypeScript sources (the tests): workers do not
// inherit the parent's loader, so it registers tsx before importing compare-worker-main.ts. The
// built command starts dist/store/compare-worker-main.js directly and needs no tsx.
import { register } from 'tsx/esm/api';

register();
await import('./compare-worker-main.ts');
