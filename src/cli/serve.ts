import { Command } from 'commander';
import { CliError, EXIT } from './errors.ts';
import { databaseLocation, DB_OPTION, loadDemoIfEmpty, openStore, parsePort } from './shared.ts';

interface ServeOptions {
  db?: string;
  port?: string;
  host?: string;
  demo: boolean;
  trustProxy?: string;
  checkpointEvents?: string;
  checkpointMinutes?: string;
}

/** A number above zero (whole when `integer`), or a usage error naming the option. */
function positive(value: string, option: string, integer: boolean): number {
  const n = Number(value);
  if (!(n > 0) || (integer && !Number.isInteger(n)))
    throw new CliError(`${option} must be ${integer ? 'a whole number' : 'a number'} above 0, not "${value}"`);
  return n;
}

/** `parley serve`: the HTTP API (and the demo, loaded on first start into an empty database). */
export function serveCommand(): Command {
  return new Command('serve')
    .description('Serve Parley over HTTP; an empty database is filled with the Geneva demo on first start')
    .option(...DB_OPTION)
    .option('--port <n>', 'port to listen on (default: PORT or 4100)')
    .option('--host <address>', 'address to listen on (default: HOST or 127.0.0.1)')
    .option('--no-demo', 'do not load the demo into an empty database')
    .option(
      '--trust-proxy <addresses>',
      'behind a reverse proxy: its addresses (comma-separated, CIDR allowed), whose X-Forwarded-For then names the client, so sign-in limits count clients, not the proxy (default: PARLEY_TRUST_PROXY, or none)',
    )
    .option('--checkpoint-events <n>', 'sign the audit chain head every n events (default 100)')
    .option('--checkpoint-minutes <m>', 'and every m minutes when it moved (default 10)')
    .action(async (options: ServeOptions) => {
      const port =
        options.port !== undefined
          ? parsePort(options.port, '--port')
          : process.env.PORT
            ? parsePort(process.env.PORT, 'PORT')
            : 4100;
      const host = options.host ?? process.env.HOST ?? '127.0.0.1';
      const checkpoints = {
        ...(options.checkpointEvents !== undefined
          ? { everyEvents: positive(options.checkpointEvents, '--checkpoint-events', true) }
          : {}),
        ...(options.checkpointMinutes !== undefined
          ? { everyMinutes: positive(options.checkpointMinutes, '--checkpoint-minutes', false) }
          : {}),
      };
      // The audit key, outside the database: made on first start, its public half printed to keep elsewhere.
      const { auditKeyFile, loadAuditKey } = await import('../store/audit-key.ts');
      const keyFile = auditKeyFile(databaseLocation(options.db));
      let auditKey;
      try {
        auditKey = loadAuditKey(keyFile);
      } catch (error) {
        throw new CliError(error instanceof Error ? error.message : String(error), EXIT.failed);
      }
      process.stderr.write(
        `${auditKey.created ? 'Made the audit key' : 'Audit key'} ${keyFile} (key id ${auditKey.keyId}); keep its public key outside Parley:\n${auditKey.publicKeyPem}`,
      );
      const store = await openStore(options.db);
      store.auditKey = auditKey;
      if (options.demo) {
        if (await loadDemoIfEmpty(store))
          process.stderr.write(
            `Loaded the Geneva demo into ${store.engine.location} (demo accounts: see README; password parley-demo, demo only)\n`,
          );
        else
          process.stderr.write(
            `${store.engine.location} holds accounts or negotiations already: the demo (whose passwords are public) is not loaded\n`,
          );
      }
      const { buildApp } = await import('../server/app.ts');
      const trusted = (options.trustProxy ?? process.env.PARLEY_TRUST_PROXY ?? '')
        .split(',')
        .map((address) => address.trim())
        .filter(Boolean);
      const app = await buildApp({
        store,
        logger: process.env.PARLEY_LOG === 'debug' ? 'debug' : true,
        ...(trusted.length > 0 ? { trustProxy: trusted } : {}),
        checkpoints,
      });
      try {
        await app.listen({ port, host });
      } catch (error) {
        await store.close();
        throw new CliError(
          `cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`,
          EXIT.failed,
        );
      }
      // The settlement desk's first analysis finds its worker thread started.
      const { warmDeskWorkers } = await import('../store/analyses.ts');
      warmDeskWorkers();
      const address = app.server.address();
      const shown =
        typeof address === 'object' && address ? `http://${host}:${address.port}` : `http://${host}:${port}`;
      process.stderr.write(`Parley is serving ${shown} (API docs at ${shown}/api/docs)\n`);
      const stop = async () => {
        await app.close();
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await new Promise(() => {});
    });
}
