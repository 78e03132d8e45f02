import { sql } from 'kysely';
import { Store } from './src/store/store.ts';
import { demoDatabase } from './test/helpers.ts';
import { createPosition, updatePosition } from './src/store/positions.ts';
const store = await Store.open(await demoDatabase());
if (process.argv[2]) await sql.raw(`pragma synchronous = ${process.argv[2]}`).execute(store.db);
const u = { id: 'u-us', email: 'us@demo.parley', name: 'us', isAdmin: false };
let ctx = await store.context(u, 'geneva-2025');
let p = await createPosition(store, ctx, { versionId: 'v-e3-counter', pointId: 'pt-1', partyId: 'us', stance: 'support', proposedText: null, rationale: '', visibility: 'public', source: null });
const N = 1000; const t0 = performance.now();
for (let i = 0; i < N; i++) { ctx = await store.context(u, 'geneva-2025'); p = await updatePosition(store, ctx, p.id, p.revision, { rationale: 'r' + i }); }
const t1 = performance.now();
for (let i = 0; i < N; i++) { await store.change(u.id, async (trx, record) => { await record({ action: 'x', entity: 'x', entityId: 'x', negotiationId: null, before: null, after: { i } }); }); }
console.log(process.argv[2] ?? 'default', 'update ms', (t1 - t0) / N, 'bare audited change ms', (performance.now() - t1) / N);
