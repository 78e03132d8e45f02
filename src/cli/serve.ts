import { Command } from 'commander';
import { CliError, EXIT } from './errors.ts';
import { DB_OPTION, loadDemoIfEmpty, openStore, parsePort } from './shared.ts';

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
    .action(async (options: { db?: string; port?: string; host?: string; demo: boolean; trustProxy?: string }) => {
      const port =
        options.port !== undefined
          ? parsePort(options.port, '--port')
          : process.env.PORT
            ? parsePort(process.env.PORT, 'PORT')
            : 4100;
      const host = options.host ?? process.env.HOST ?? '127.0.0.1';
      const store = await openStore(options.db);
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
