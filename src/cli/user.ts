import { Command } from 'commander';
import { DomainError } from '../core/errors.ts';
import { CliError, EXIT } from './errors.ts';
import { DEFAULT_DB, openStore } from './shared.ts';

/** `parley user add`: creates an account (the password comes from PARLEY_PASSWORD or --password). */
export function userCommand(): Command {
  const user = new Command('user').description('Manage accounts');
  user
    .command('add')
    .description('Create an account')
    .requiredOption('--email <email>', 'e-mail address, used to sign in')
    .requiredOption('--name <name>', "the person's name")
    .option('--password <password>', 'password (better: set PARLEY_PASSWORD, which stays out of the shell history)')
    .option('--admin', 'make the account an administrator', false)
    .option('--db <file>', 'SQLite database file', DEFAULT_DB)
    .action(async (options: { email: string; name: string; password?: string; admin: boolean; db: string }) => {
      const password = options.password ?? process.env.PARLEY_PASSWORD;
      if (!password) throw new CliError('give a password with --password or in PARLEY_PASSWORD');
      const { createUser } = await import('../store/accounts.ts');
      const store = await openStore(options.db);
      try {
        const created = await createUser(store, null, {
          email: options.email,
          name: options.name,
          password,
          isAdmin: options.admin,
        });
        process.stdout.write(
          `created ${created.isAdmin ? 'administrator' : 'account'} ${created.email} (id ${created.id})\n`,
        );
      } catch (error) {
        if (error instanceof DomainError)
          throw new CliError(error.message, error.kind === 'conflict' ? EXIT.failed : EXIT.usage);
        throw error;
      } finally {
        await store.close();
      }
    });
  return user;
}
