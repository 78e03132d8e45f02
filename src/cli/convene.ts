import { Command, Option } from 'commander';
import { DomainError } from '../core/errors.ts';
import { ROLES, type Role, type User } from '../core/model.ts';
import type { Settlement } from '../core/settlement.ts';
import type { Store } from '../store/store.ts';
import { CliError, EXIT } from './errors.ts';
import { DB_OPTION, openStore } from './shared.ts';

/** Runs `work` on the database, turning the store's refusals into one line and an exit code. */
async function withStore<T>(file: string | undefined, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(file);
  try {
    return await work(store);
  } catch (error) {
    if (error instanceof DomainError)
      throw new CliError(error.message, error.kind === 'invalid' ? EXIT.usage : EXIT.failed);
    throw error;
  } finally {
    await store.close();
  }
}

async function account(store: Store, email: string): Promise<User> {
  const { userByEmail } = await import('../store/accounts.ts');
  const user = await userByEmail(store, email);
  if (!user) throw new CliError(`no account has the e-mail ${email}; create it with "parley user add"`);
  return user;
}

/** `parley negotiation create`: opens a negotiation; the account named by --as convenes it. */
export function negotiationCommand(): Command {
  const negotiation = new Command('negotiation').description('Open negotiations');
  negotiation
    .command('create')
    .description('Open a negotiation; the account given with --as becomes its convenor (a mediator of it)')
    .requiredOption('--as <email>', 'the convenor')
    .requiredOption('--title <title>', 'what is negotiated')
    .option('--summary <text>', 'a summary', '')
    .option('--id <id>', 'a readable id (default: a new UUID)')
    .option(...DB_OPTION)
    .action((options: { as: string; title: string; summary: string; id?: string; db?: string }) =>
      withStore(options.db, async (store) => {
        const { createNegotiation } = await import('../store/negotiations.ts');
        const made = await createNegotiation(
          store,
          await account(store, options.as),
          {
            title: options.title,
            summary: options.summary,
            ...(options.id ? { id: options.id } : {}),
          },
          { operator: true },
        );
        process.stdout.write(`opened negotiation ${made.id} ("${made.title}"), convened by ${options.as}\n`);
      }),
    );
  return negotiation;
}

/** `parley invite`: invites a person to a seat and prints the one-time link of the invitation. */
export function inviteCommand(): Command {
  return new Command('invite')
    .description(
      'Invite a person to a seat by e-mail: they accept it with the one-time link, or signed in (Parley sends no mail)',
    )
    .requiredOption('--negotiation <id>', 'negotiation id')
    .requiredOption('--as <email>', "a mediator of the negotiation, or the party's principal or lead")
    .requiredOption('--email <email>', 'the person to seat')
    .addOption(new Option('--role <role>', 'their role').choices([...ROLES]).makeOptionMandatory())
    .option('--party <id>', 'their party (none for a mediator)')
    .option('--title <title>', 'their title in the delegation', '')
    .option('--base-url <url>', 'where Parley is served, for the link', 'http://127.0.0.1:4100')
    .option(...DB_OPTION)
    .action(
      (options: {
        negotiation: string;
        as: string;
        email: string;
        role: Role;
        party?: string;
        title: string;
        baseUrl: string;
        db?: string;
      }) =>
        withStore(options.db, async (store) => {
          const { inviteMember } = await import('../store/invitations.ts');
          const ctx = await store.context(await account(store, options.as), options.negotiation);
          const made = await inviteMember(store, ctx, {
            email: options.email,
            partyId: options.party ?? null,
            role: options.role,
            title: options.title,
          });
          const seat = `${options.role}${options.party ? ` of ${options.party}` : ''}`;
          process.stdout.write(
            `invited ${options.email} as ${seat}; pass on this one-time link (it expires on ${made.invitation.expiresAt}):\n${options.baseUrl.replace(/\/$/, '')}/invite/${made.token}\n`,
          );
          if (made.proposal && made.proposal.state === 'open')
            process.stdout.write(
              "the party's principal or lead must consent to the seat before it can be taken (Convening page)\n",
            );
        }),
    );
}

/** `parley members`: the people at the table, by name and e-mail. */
export function membersCommand(): Command {
  return new Command('members')
    .description('List the people at the table: name, e-mail, party, role and title')
    .requiredOption('--negotiation <id>', 'negotiation id')
    .requiredOption('--as <email>', 'a member of the negotiation')
    .option('--json', 'write JSON')
    .option(...DB_OPTION)
    .action((options: { negotiation: string; as: string; json?: boolean; db?: string }) =>
      withStore(options.db, async (store) => {
        const { listMembers } = await import('../store/members.ts');
        const members = await listMembers(
          store,
          await store.context(await account(store, options.as), options.negotiation),
        );
        if (options.json) process.stdout.write(`${JSON.stringify(members, null, 2)}\n`);
        else
          for (const m of members)
            process.stdout.write(
              `${m.name} <${m.email}>\t${m.role}${m.partyId ? ` of ${m.partyId}` : ''}${m.title ? `\t${m.title}` : ''}\n`,
            );
      }),
    );
}

/** The settlement of a negotiation as text: who was used, the four points, the draft. */
export function settlementText(result: Settlement): string {
  const pack = (p: { choices: Record<string, string>; utilities: Record<string, number> }) =>
    `[${Object.entries(p.utilities)
      .map(([party, u]) => `${party} ${u.toFixed(4)}`)
      .join(', ')}]  ${Object.entries(p.choices)
      .map(([i, o]) => `${i}=${o}`)
      .join('; ')}`;
  const out = [
    `parties used: ${result.included.join(', ') || 'none'}${result.excluded.length ? `; left out: ${result.excluded.join(', ')}` : ''}`,
    `red lines applied: ${result.redLinesApplied.length}; packages: ${result.outcomes}; Pareto frontier: ${result.frontierSize ?? `not listed, at most ${result.frontierSizeAtMost} packages (${result.frontier.length} shown)`}`,
  ];
  for (const [label, point] of [
    ['Nash', result.nash],
    ['Kalai-Smorodinsky', result.kalaiSmorodinsky],
    ['max welfare', result.maxWelfare],
    ['egalitarian', result.egalitarian],
  ] as const)
    out.push(`${label}: ${point ? pack(point) : 'none'}`);
  if (!result.agreementPossible && result.included.length > 0)
    out.push(`no agreement is possible: ${result.conflict.join(', ') || 'no package keeps every red line'}`);
  if (result.draft) {
    out.push(
      `draft: ${pack(result.draft)} ${result.draft.paretoOptimal ? 'is Pareto-optimal' : 'is not Pareto-optimal'}${result.draft.crosses.length ? `; crosses ${result.draft.crosses.join(', ')}` : ''}`,
    );
    // Without the frontier the improvements are ranked by the Nash product of the gains over the draft.
    for (const better of result.draft.improvements.slice(0, 5))
      out.push(`  better for all${result.draft.ranked ? ' (by Nash product of the gains)' : ''}: ${pack(better)}`);
  } else if (result.draftOpenIssues.length) out.push(`the draft leaves open: ${result.draftOpenIssues.join(', ')}`);
  for (const note of result.notes) out.push(`note: ${note}`);
  return `${out.join('\n')}\n`;
}

/** `parley analyze --db …`: the settlement desk on a negotiation, as one account sees it. */
export async function analyzeNegotiationCommand(options: {
  db?: string;
  negotiation: string;
  as?: string;
  version?: string;
  json?: boolean;
}): Promise<void> {
  await withStore(options.db, async (store) => {
    const { computeAnalysis } = await import('../store/analyses.ts');
    const ctx = options.as
      ? await store.context(await account(store, options.as), options.negotiation)
      : await store.operatorContext(options.negotiation);
    const { record } = await computeAnalysis(store, ctx, options.version ? { versionId: options.version } : {});
    process.stdout.write(
      options.json
        ? `${JSON.stringify({ versionId: record.versionId, ...record.result }, null, 2)}\n`
        : `version ${record.versionId}\n${settlementText(record.result)}`,
    );
  });
}
