import { z } from 'zod';
import { DomainError, notFound } from '../../core/errors.ts';
import {
  checkpointMessage,
  DEFAULT_CADENCE,
  latestCheckpoint,
  type CheckpointCadence,
} from '../../store/audit-checkpoints.ts';
import { verifyAuditLog } from '../../store/audit-verify.ts';
import type { Store } from '../../store/store.ts';
import { verifyAuditState } from '../../store/audit-state.ts';
import * as s from '../schemas.ts';
import { me, open, problems, type App } from './shared.ts';

/** The installation: the OpenAPI document, health and the audit. */
export function systemRoutes(app: App, store: Store, cadence: CheckpointCadence = DEFAULT_CADENCE): void {
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
    { schema: { tags: ['system'], response: { 200: s.auditVerifySchema, ...problems } } },
    async (request) => {
      if (!me(request).isAdmin) throw new DomainError('forbidden', 'only an administrator verifies the audit log');
      const report = await verifyAuditLog(store.db, {
        publicKeyPem: store.auditKey?.publicKeyPem,
        cadence,
        now: store.now(),
      });
      const state = await verifyAuditState(store.db);
      return {
        ...report.chain,
        // Ids and field names only: the values may be a party's private material.
        state: {
          ok: state.ok,
          rows: state.rows,
          differences: state.differences.map(({ table, id, field, problem }) => ({ table, id, field, problem })),
        },
        checkpoints: report.checkpoints,
        findings: store.auditKey
          ? report.findings
          : report.findings.filter((finding) => finding.check !== 'no public key'),
      };
    },
  );

  app.get(
    '/api/audit/key',
    { config: open, schema: { tags: ['system'], security: [], response: { 200: s.auditKeySchema, ...problems } } },
    async () => {
      if (!store.auditKey) throw notFound('the audit key (this server signs no checkpoints)');
      return { keyId: store.auditKey.keyId, publicKeyPem: store.auditKey.publicKeyPem };
    },
  );

  app.get(
    '/api/audit/checkpoints/latest',
    { schema: { tags: ['system'], response: { 200: s.auditCheckpointSchema, ...problems } } },
    async () => {
      const checkpoint = await latestCheckpoint(store.db);
      if (!checkpoint) throw notFound('a checkpoint of the audit log (none is signed yet)');
      return { ...checkpoint, message: checkpointMessage(checkpoint.seq, checkpoint.hash) };
    },
  );
}
