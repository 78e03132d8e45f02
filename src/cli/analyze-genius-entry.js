// The entry of `parley analyze --genius`'s worker when running from the TypeScript sources (the
// tests): workers do not inherit the parent's loader, so it registers tsx before importing
// analyze-genius-worker.ts. The built command starts dist/cli/analyze-genius-worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./analyze-genius-worker.ts');
