import { z } from 'zod';
import { DomainError } from '../../core/errors.ts';
import type { Store } from '../../store/store.ts';
import { verifyAuditState } from '../../store/audit-state.ts';
import { me, open, problems, type App } from './shared.ts';

/** The installation: the OpenAPI document, health and the audit. */
export function systemRoutes(app: App, store: Store): void {
  app.get('/api/openapi.json', { config: open, schema: { hide: true } }, () => app.swagger());

  app.get(
    '/api/health',
    {
      config: open,
      schema: { tags: ['system'], security: [], response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async () => {
      await store.db.selectFrom('negotiations').select('id').limit(1).execute();
      return { status: 'ok' as const };
    },
  );

  app.get(
    '/api/audit/verify',
    {
      schema: {
        tags: ['system'],
        response: {
          200: z.object({
            ok: z.boolean(),
            events: z.number(),
            seq: z.number().optional(),
            reason: z.string().optional(),
            state: z
              .object({
                ok: z.boolean(),
                rows: z.record(z.string(), z.number()),
                differences: z.array(
                  z.object({
                    table: z.string(),
                    id: z.string(),
                    field: z.string(),
                    problem: z.enum(['differs', 'unrecorded', 'missing']),
                  }),
                ),
              })
              .describe(
                'The state the log describes compared with the live tables: each row that differs, by table, id and field (never its values)',
              ),
          }),
          ...problems,
        },
      },
    },
    async (request) => {
      if (!me(request).isAdmin) throw new DomainError('forbidden', 'only an administrator verifies the audit log');
      const chain = await store.verifyAudit();
      const state = await verifyAuditState(store.db);
      // Ids and field names only: the values may be a party's private material.
      const differences = state.differences.map(({ table, id, field, problem }) => ({ table, id, field, problem }));
      return { ...chain, state: { ok: state.ok, rows: state.rows, differences } };
    },
  );
}
