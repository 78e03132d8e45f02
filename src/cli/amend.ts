import { Command } from 'commander';
import { DomainError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import type { Amendment } from '../store/amendments.ts';
import type { NegotiationContext } from '../store/store.ts';
import { CliError, EXIT } from './errors.ts';
import { versionNamed } from './diff.ts';
import { DB_OPTION, openStore, readerContext } from './shared.ts';

interface Common {
  db?: string;
  negotiation?: string;
  as?: string;
  json?: boolean;
}

/** Runs one amendment command as the account (`--as`), turning the store's refusals into exit 1. */
async function asReader(options: Common, work: (store: Store, ctx: NegotiationContext) => Promise<string>) {
  const store = await openStore(options.db);
  try {
    process.stdout.write(await work(store, await readerContext(store, options)));
  } catch (error) {
    if (error instanceof DomainError)
      throw new CliError(error.field ? `${error.field}: ${error.message}` : error.message, EXIT.failed);
    throw error;
  } finally {
    await store.close();
  }
}

function parseChange(json: string | undefined, option = '--change'): unknown {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    throw new CliError(
      `${option} is not JSON: give the change as the API takes it, e.g. '{"kind":"deletePoint","pointId":"pt-7","quote":"Title"}'`,
      EXIT.usage,
    );
  }
}

/** One line per amendment: its id, state, party and audience, and what it changes. */
export function amendmentLines(amendments: Amendment[]): string {
  if (amendments.length === 0) return 'No amendments you may see.\n';
  return amendments
    .map((a) => {
      const c = a.change;
      const what =
        c.kind === 'addPoint'
          ? `add a point “${c.title}”`
          : c.kind === 'deletePoint'
            ? `delete the point “${c.quote}”`
            : c.kind === 'insert'
              ? `insert “${c.text}” into ${c.pointId} ${c.field} at ${c.at}`
              : c.kind === 'delete'
                ? `delete “${c.quote}” from ${c.pointId} ${c.field}`
                : `replace “${c.quote}” with “${c.text}” in ${c.pointId} ${c.field}`;
      const to = a.tabledTo ? ` (tabled to the ${a.tabledTo})` : ' (internal to the party)';
      const conflicts = a.conflicts.map((x) => `\n    conflicts with ${x.withId}: ${x.reason}`).join('');
      const orphan = a.orphanedReason ? `\n    orphaned: ${a.orphanedReason}` : '';
      return `${a.id}  ${a.state}${to}  ${a.partyName}: ${what}${conflicts}${orphan}`;
    })
    .join('\n')
    .concat('\n');
}

const common = (command: Command) =>
  command
    .option(...DB_OPTION)
    .option('--negotiation <id>', 'negotiation id (default: the only one)')
    .option('--as <email>', 'act as this account, under its rights (default: the operator, who holds the database)')
    .option('--json', 'write the answer as JSON, in the shape of the API');

/** `parley amend`: propose, table, decide, withdraw and list amendments, as one account. */
export function amendCommand(): Command {
  const amend = new Command('amend').description(
    'Amendments to a version: list, propose, table, decide and withdraw them, as one account may (--as), under the same rules as the API',
  );
  common(
    amend.command('list').description('The amendments to a version that the account may see, with their conflicts'),
  )
    .argument('<version>', 'the version: its id, or its label')
    .action((version: string, options: Common) =>
      asReader(options, async (store, ctx) => {
        const { listAmendments } = await import('../store/amendments.ts');
        const { listVersions } = await import('../store/texts.ts');
        const list = await listAmendments(store, ctx, versionNamed(await listVersions(store, ctx), version));
        return options.json ? `${JSON.stringify(list, null, 2)}\n` : amendmentLines(list);
      }),
    );
  common(
    amend.command('propose').description("Propose an amendment for the account's party (internal to it until tabled)"),
  )
    .argument('<version>', 'the version: its id, or its label')
    .requiredOption(
      '--change <json>',
      'the change, as the API takes it (replace, insert, delete, addPoint, deletePoint)',
    )
    .option('--justification <text>', 'why the party proposes it', '')
    .option('--party <id>', 'the party or coalition proposing it (default: the party the account sits for)')
    .action((version: string, options: Common & { change: string; justification: string; party?: string }) =>
      asReader(options, async (store, ctx) => {
        const { proposeAmendment } = await import('../store/amendments.ts');
        const { amendmentChangeSchema } = await import('../core/amendments.ts');
        const { listVersions } = await import('../store/texts.ts');
        const parsed = amendmentChangeSchema.safeParse(parseChange(options.change));
        if (!parsed.success)
          throw new CliError(
            `--change: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
            EXIT.usage,
          );
        const made = await proposeAmendment(store, ctx, versionNamed(await listVersions(store, ctx), version), {
          change: parsed.data,
          justification: options.justification,
          ...(options.party ? { partyId: options.party } : {}),
        });
        return options.json ? `${JSON.stringify(made, null, 2)}\n` : amendmentLines([made]);
      }),
    );
  common(amend.command('table').description("Table the party's amendment (its principal or lead)"))
    .argument('<amendment>', "the amendment's id")
    .requiredOption('--to <audience>', 'mediators, or table')
    .action((id: string, options: Common & { to: string }) =>
      asReader(options, async (store, ctx) => {
        if (options.to !== 'mediators' && options.to !== 'table')
          throw new CliError('--to is "mediators" or "table"', EXIT.usage);
        const { tableAmendment } = await import('../store/amendments.ts');
        const done = await tableAmendment(store, ctx, id, options.to);
        return options.json ? `${JSON.stringify(done, null, 2)}\n` : amendmentLines([done]);
      }),
    );
  common(amend.command('decide').description('Accept or reject a tabled amendment (the pen-holder)'))
    .argument('<amendment>', "the amendment's id")
    .argument('<decision>', 'accept, or reject')
    .option('--change <json>', 'accept with changes: the change as accepted')
    .option('--note <text>', 'why')
    .action((id: string, decision: string, options: Common & { change?: string; note?: string }) =>
      asReader(options, async (store, ctx) => {
        if (decision !== 'accept' && decision !== 'reject')
          throw new CliError('the decision is "accept" or "reject"', EXIT.usage);
        const { decideAmendment } = await import('../store/amendments.ts');
        const { amendmentChangeSchema } = await import('../core/amendments.ts');
        const raw = parseChange(options.change);
        const change = raw === undefined ? undefined : amendmentChangeSchema.parse(raw);
        const done = await decideAmendment(store, ctx, id, {
          decision,
          ...(change ? { change } : {}),
          ...(options.note ? { note: options.note } : {}),
        });
        return options.json ? `${JSON.stringify(done, null, 2)}\n` : amendmentLines([done]);
      }),
    );
  common(amend.command('withdraw').description("Withdraw the party's amendment, not yet decided"))
    .argument('<amendment>', "the amendment's id")
    .action((id: string, options: Common) =>
      asReader(options, async (store, ctx) => {
        const { withdrawAmendment } = await import('../store/amendments.ts');
        const done = await withdrawAmendment(store, ctx, id);
        return options.json ? `${JSON.stringify(done, null, 2)}\n` : amendmentLines([done]);
      }),
    );
  return amend;
}

/** `parley consolidate`: the pen-holder makes the next version from the accepted amendments. */
export function consolidateCommand(): Command {
  return common(
    new Command('consolidate').description(
      'Make the next version from the accepted amendments to a version (its pen-holder); pending ones are carried to it, or orphaned with why',
    ),
  )
    .argument('<version>', 'the version: its id, or its label')
    .requiredOption('--label <label>', "the new version's label")
    .option('--summary <text>', "the new version's summary (default: the amended version's)")
    .action((version: string, options: Common & { label: string; summary?: string }) =>
      asReader(options, async (store, ctx) => {
        const { consolidateAmendments } = await import('../store/amendments.ts');
        const { listVersions } = await import('../store/texts.ts');
        const made = await consolidateAmendments(store, ctx, versionNamed(await listVersions(store, ctx), version), {
          label: options.label,
          ...(options.summary ? { summary: options.summary } : {}),
        });
        return options.json
          ? `${JSON.stringify(made, null, 2)}\n`
          : `Version "${made.label}" (${made.id}) made from version "${version}": ${made.points.length} points.\n`;
      }),
    );
}
