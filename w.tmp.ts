import { Store } from './src/store/store.ts';
import { demoDatabase } from './test/helpers.ts';
import { createPosition, updatePosition } from './src/store/positions.ts';
const store = await Store.open(await demoDatabase());
const u = { id: 'u-us', email: 'us@demo.parley', name: 'us', isAdmin: false };
let ctx = await store.context(u, 'geneva-2025');
let p = await createPosition(store, ctx, { versionId: 'v-e3-counter', pointId: 'pt-1', partyId: 'us', stance: 'support', proposedText: null, rationale: '', visibility: 'public', source: null });
const t0 = performance.now(); const c0 = process.cpuUsage();
const N = 500;
const parts = { ctx: 0, update: 0 };
for (let i = 0; i < N; i++) {
  const a = performance.now();
  ctx = await store.context(u, 'geneva-2025');
  const b = performance.now();
  p = await updatePosition(store, ctx, p.id, p.revision, { rationale: 'r' + i });
  parts.ctx += b - a; parts.update += performance.now() - b;
}
console.log("per write ms", (performance.now() - t0) / N, "cpu ms", (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1000 / N, parts.update / N);
