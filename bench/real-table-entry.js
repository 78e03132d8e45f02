// The real-table benchmark's worker entry: workers do not inherit the parent's loader, so it
// registers tsx before it imports real-table-worker.ts.
import { register } from 'tsx/esm/api';

register();
await import('./real-table-worker.ts');
