/**
 * The consolidation case of `npm run bench:server`: the largest version a negotiation may hold (500
 * points, close to 500,000 characters) with the 1,000 accepted amendments a version may take,
 * consolidated through the store on a fresh SQLite copy of the Geneva demo. One timed run, short.
 */
import { join } from 'node:path';
import { TEXT_LIMITS } from '../src/core/limits.ts';
import { loadScenario } from '../src/demo/load.ts';
import { genevaScenario } from '../src/demo/geneva.ts';
import { userByEmail } from '../src/store/accounts.ts';
import { consolidateAmendments } from '../src/store/amendments.ts';
import { Store } from '../src/store/store.ts';
import { createVersion } from '../src/store/versions.ts';

export async function consolidationCase(dir: string): Promise<{ ms: number; points: number; amendments: number }> {
  const store = await Store.open(join(dir, 'consolidation.db'));
  try {
    await loadScenario(store, genevaScenario);
    const mediator = (await userByEmail(store, 'mediator@demo.parley'))!;
    const ctx = await store.context(mediator, 'geneva-2025');
    const clause = 'The parties agree on this clause word by word. '.repeat(21).slice(0, 980);
    const points = Array.from({ length: TEXT_LIMITS.pointsPerVersion }, (_, i) => ({
      id: `p-${i}`,
      number: i + 1,
      title: `Point ${i}`,
      text: clause,
      brackets: [],
      issueIds: [],
      trackId: null,
    }));
    const version = await createVersion(store, ctx, {
      parentId: null,
      kind: 'draft',
      label: 'Largest text',
      summary: '',
      authorPartyId: null,
      points,
      optionChoices: {},
      source: null,
    });
    const rows = Array.from({ length: TEXT_LIMITS.amendmentsPerVersion }, (_, i) => {
      const start = i < points.length ? 4 : 100;
      return {
        id: `am-${i}`,
        negotiation_id: 'geneva-2025',
        version_id: version.id,
        party_id: 'ua',
        state: 'accepted',
        tabled_to: 'mediators',
        revision: 1,
        created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
        data: JSON.stringify({
          change: {
            kind: 'replace',
            pointId: `p-${i % points.length}`,
            field: 'text',
            start,
            end: start + 7,
            quote: clause.slice(start, start + 7),
            text: 'amended',
          },
          justification: '',
          createdBy: mediator.id,
          tabledAt: null,
          decision: { decision: 'accept', note: '', at: '2026-01-01T00:00:00.000Z', proposedChange: null },
          withdrawnAt: null,
          orphanedReason: null,
          consolidatedIn: null,
          carriedFrom: [],
        }),
      };
    });
    for (let i = 0; i < rows.length; i += 100)
      await store.db
        .insertInto('amendments')
        .values(rows.slice(i, i + 100))
        .execute();
    const started = performance.now();
    await consolidateAmendments(store, await store.context(mediator, 'geneva-2025'), version.id, {
      label: 'Consolidated',
    });
    return { ms: performance.now() - started, points: points.length, amendments: rows.length };
  } finally {
    await store.close();
  }
}
