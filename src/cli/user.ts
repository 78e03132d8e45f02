import { Command } from 'commander';
import { DomainError } from '../core/errors.ts';
import { CliError, EXIT } from './errors.ts';
import { DB_OPTION, openStore } from './shared.ts';

/**
 * `parley user add`: creates an account without a password and prints the one-time link with which
 * its person chooses one, so the operator never knows a password that works. `parley user link`: a
 * new link for an account whose person has not chosen one yet.
 */
export function userCommand(): Command {
  const user = new Command('user').description('Manage accounts');
  user
    .command('add')
    .description('Create an account; prints the one-time link with which the person chooses their password')
    .requiredOption('--email <email>', 'e-mail address, used to sign in')
    .requiredOption('--name <name>', "the person's name")
    .option('--admin', 'make the account an administrator', false)
    .option('--base-url <url>', 'where Parley is served, for the link', 'http://127.0.0.1:4100')
    .option('--password <password>', '(refused: the person chooses their own password with the link)')
    .option(...DB_OPTION)
    .action(
      async (options: {
        email: string;
        name: string;
        admin: boolean;
        baseUrl: string;
        password?: string;
        db?: string;
      }) => {
        if (options.password !== undefined || process.env.PARLEY_PASSWORD)
          throw new CliError(
            'the person chooses their own password: leave out --password and PARLEY_PASSWORD, and pass on the link this command prints',
          );
        const { createAccount } = await import('../store/accounts.ts');
        const store = await openStore(options.db);
        try {
          const created = await createAccount(store, null, {
            email: options.email,
            name: options.name,
            isAdmin: options.admin,
          });
          process.stdout.write(
            `created ${created.user.isAdmin ? 'administrator' : 'account'} ${created.user.email} (id ${created.user.id}), without a password; pass on this one-time link, where the person chooses theirs (it expires on ${created.expiresAt}):\n${options.baseUrl.replace(/\/$/, '')}/set-password/${created.token}\n`,
          );
        } catch (error) {
          if (error instanceof DomainError)
            throw new CliError(error.message, error.kind === 'conflict' ? EXIT.failed : EXIT.usage);
          throw error;
        } finally {
          await store.close();
        }
      },
    );
  user
    .command('link')
    .description(
      'A new one-time link for an account whose person has not chosen a password yet (the first was lost or expired)',
    )
    .requiredOption('--email <email>', "the account's e-mail address")
    .option('--base-url <url>', 'where Parley is served, for the link', 'http://127.0.0.1:4100')
    .option(...DB_OPTION)
    .action(async (options: { email: string; baseUrl: string; db?: string }) => {
      const { renewPasswordLink, userByEmail } = await import('../store/accounts.ts');
      const store = await openStore(options.db);
      try {
        const account = await userByEmail(store, options.email.trim().toLowerCase());
        if (!account) throw new CliError(`no account has the e-mail ${options.email}`, EXIT.usage);
        const renewed = await renewPasswordLink(store, null, account.id);
        process.stdout.write(
          `a new one-time link for ${account.email}; the earlier one no longer works (this one expires on ${renewed.expiresAt}):\n${options.baseUrl.replace(/\/$/, '')}/set-password/${renewed.token}\n`,
        );
      } catch (error) {
        if (error instanceof DomainError) throw new CliError(error.message, EXIT.failed);
        throw error;
      } finally {
        await store.close();
      }
    });
  return user;
}
