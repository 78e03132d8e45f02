import { useState } from 'react';
import type { Issue, Party } from '../api/queries';
import { choicesInWords, formatUtility, partyName, type Choices, type SettlementPackage } from './SettlementPackages';

/** A row of a package table: what is shown of one package. */
export interface PackageRow {
  key: string;
  name: string;
  marks?: string[];
  choices: Choices;
  utilities: Record<string, number | null>;
}

export function rowOf(p: SettlementPackage): PackageRow {
  return { key: p.key, name: p.name, marks: p.marks, choices: p.choices, utilities: p.utilities };
}

/** The option of each issue, in words, as a list in a table cell. */
export function ChoicesList({ issues, choices }: { issues: Issue[] | undefined; choices: Choices }) {
  return (
    <ul className="settle-choices">
      {choicesInWords(issues, choices).map((c) => (
        <li key={c.issue}>
          <span className="settle-issue">{c.issue}:</span> {c.option}
        </li>
      ))}
    </ul>
  );
}

const FIRST = 25;

/**
 * Packages as a table (a chart's alternative, the draft's improvements, released packages): each
 * package's name, the solutions it is, each party's utility, and its option per issue in words.
 * With `selected`, a checkbox per row chooses it (the mediator's release).
 */
export function PackageTable({
  caption,
  rows,
  partyIds,
  parties,
  issues,
  utilityHeader,
  selected,
  onSelect,
  selectable,
  testId,
}: {
  caption: string;
  rows: PackageRow[];
  partyIds: string[];
  parties: Party[] | undefined;
  issues: Issue[] | undefined;
  utilityHeader?: (partyId: string) => string;
  selected?: Set<string>;
  onSelect?: (key: string, on: boolean) => void;
  selectable?: (row: PackageRow) => boolean;
  testId?: string;
}) {
  const [all, setAll] = useState(false);
  const shown = all ? rows : rows.slice(0, FIRST);
  return (
    <div className="scroll">
      <table className="settle-table" data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {selected ? <th scope="col">Release</th> : null}
            <th scope="col">Package</th>
            {partyIds.map((p) => (
              <th scope="col" key={p} className="num">
                {utilityHeader ? utilityHeader(p) : `Utility for ${partyName(parties, p)}`}
              </th>
            ))}
            <th scope="col">Option per issue</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.key}>
              {selected ? (
                <td data-label="Release">
                  {!selectable || selectable(row) ? (
                    <input
                      type="checkbox"
                      aria-label={`Release ${row.name}`}
                      checked={selected.has(row.key)}
                      onChange={(e) => onSelect?.(row.key, e.target.checked)}
                    />
                  ) : (
                    <span className="hint">not releasable</span>
                  )}
                </td>
              ) : null}
              <th scope="row">
                {row.name}
                {(row.marks ?? [])
                  .filter((m) => m !== row.name)
                  .map((m) => (
                    <span key={m} className="badge settle-mark">
                      {m}
                    </span>
                  ))}
              </th>
              {partyIds.map((p) => (
                <td
                  key={p}
                  className="num"
                  data-label={utilityHeader ? utilityHeader(p) : `Utility for ${partyName(parties, p)}`}
                >
                  {formatUtility(row.utilities[p])}
                </td>
              ))}
              <td data-label="Option per issue">
                <ChoicesList issues={issues} choices={row.choices} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > FIRST ? (
        <button type="button" className="link" onClick={() => setAll(!all)}>
          {all ? `Show the first ${FIRST} only` : `Show all ${rows.length} packages`}
        </button>
      ) : null}
    </div>
  );
}
