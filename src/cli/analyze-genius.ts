// `parley analyze` on GENIUS files: reading them, the analysis, and its text and JSON output.
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import {
  analyzeNegotiation,
  assessDraft,
  GENIUS_LIMITS,
  GeniusFormatError,
  geniusFileKind,
  listedFrontier,
  paretoFrontier,
  READABLE_FRONTIER,
  parseDecimal,
  parseGeniusDomain,
  parseGeniusProfile,
  toNumber,
  type AgreementPoint,
  type Budget,
  type DraftImprovements,
  type ImprovementRanking,
  type FrontierStrategy,
  type NegotiationAnalysis,
  type NegotiationProblem,
  type ParetoFrontier,
  type Rational,
  type Requirement,
} from '../analysis/index.ts';
import { CliError, EXIT } from './errors.ts';

export interface AnalyzeOptions {
  genius?: boolean;
  db?: string;
  negotiation?: string;
  as?: string;
  version?: string;
  draft?: string;
  reservation?: string;
  json?: boolean;
  /** Write the whole frontier as NDJSON, a vector a line, instead of the analysis. */
  stream?: boolean;
  strategy: FrontierStrategy;
  limit: string;
  /** Seconds the analysis may run; 0: no limit (and on the calling thread). */
  timeLimit?: string;
  /** Megabytes of memory it may use; 0: no limit. */
  memoryLimit?: string;
  /** Seconds the bargaining-point search may take before answering with the best found and its gap; 0: no budget. */
  budget?: string;
}

function readText(path: string): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new CliError(`cannot read ${path}: no such file`, EXIT.usage);
  }
  if (size > GENIUS_LIMITS.maxBytes)
    throw new CliError(`${path}: file is ${size} bytes; the limit is ${GENIUS_LIMITS.maxBytes}`, EXIT.usage);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, EXIT.usage);
  }
}

/** Loads a GENIUS domain and its profiles; the domain is recognised by its root element, wherever it is in the list. */
export function loadGeniusProblem(paths: readonly string[]): { problem: NegotiationProblem; profileFiles: string[] } {
  const files = paths.map((path) => ({ path, text: readText(path) }));
  const kinds = files.map((file) => geniusFileKind(file.text, file.path));
  const domains = files.filter((_, i) => kinds[i] === 'domain');
  if (domains.length !== 1)
    throw new CliError(
      `expected exactly one GENIUS domain file (<negotiation_template>), got ${domains.length}`,
      EXIT.usage,
    );
  const profiles = files.filter((_, i) => kinds[i] === 'profile');
  if (profiles.length === 0)
    throw new CliError('expected at least one GENIUS profile file (<utility_space>)', EXIT.usage);
  const space = parseGeniusDomain(domains[0]!.text, domains[0]!.path);
  const parties = profiles.map((file) => parseGeniusProfile(file.text, file.path, space, basename(file.path)));
  return { problem: { space, parties }, profileFiles: profiles.map((file) => file.path) };
}

function parseReservations(text: string, parties: number): Rational[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length !== parties)
    throw new CliError(`--reservation has ${parts.length} values for ${parties} profiles`, EXIT.usage);
  return parts.map((part) => {
    const value = parseDecimal(part);
    if (!value) throw new CliError(`--reservation: "${part}" is not a number`, EXIT.usage);
    return value;
  });
}

/** Where an analysis reports how far it is. */
export interface Progress {
  update: (done: number, total: number) => void;
  finish: () => void;
  /** A line for the person running the command (standard error). */
  note?: (line: string) => void;
}

/** A progress bar on stderr, drawn only on a terminal and only once work has taken more than a second. */
export function progressBar(label: string): Progress {
  const started = Date.now();
  let drawn = false;
  return {
    update(done, total) {
      if (!process.stderr.isTTY || Date.now() - started < 1000) return;
      const width = 30;
      const filled = Math.round((width * done) / Math.max(1, total));
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
      drawn = true;
    },
    finish() {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}

function pointJson(problem: NegotiationProblem, point: AgreementPoint | null) {
  if (!point) return null;
  return {
    outcome: Object.fromEntries(
      problem.space.issues.map((issue, i) => [issue.name, issue.options[point.outcome[i]!]!]),
    ),
    utilities: point.utilities.map(toNumber),
    count: String(point.count),
    // Said only when the budget ran out before the point was proved optimal.
    ...(point.status && point.status !== 'optimal'
      ? { status: point.status, gap: point.gap ? toNumber(point.gap) : null }
      : {}),
  };
}

function requirementJson(analysis: NegotiationAnalysis, profileFiles: readonly string[], requirement: Requirement) {
  if (requirement.kind === 'reservation') {
    return {
      kind: 'reservation',
      profile: profileFiles[requirement.party],
      value: toNumber(analysis.reservations[requirement.party]!),
    };
  }
  return { kind: requirement.kind, index: requirement.index };
}

function outcomeJson(problem: NegotiationProblem, outcome: readonly number[]): Record<string, string> {
  return Object.fromEntries(problem.space.issues.map((issue, i) => [issue.name, issue.options[outcome[i]!]!]));
}

/** One frontier vector as JSON: its representative outcome, the utilities in profile order, and how many outcomes share them. */
function paretoEntry(problem: NegotiationProblem, analysis: { frontier: ParetoFrontier | null }, index: number) {
  const frontier = analysis.frontier!;
  return {
    outcome: outcomeJson(problem, frontier.representative(index)),
    utilities: Array.from({ length: frontier.parties }, (_, p) =>
      toNumber({ num: frontier.exactNumerator(index, p), den: frontier.scaled[p]!.denominator }),
    ),
    count: String(frontier.counts[index]),
  };
}

/** The listed packages of an analysis as JSON: frontier vectors, or (frontier not computed) the sample found without it. */
function listedEntries(problem: NegotiationProblem, analysis: NegotiationAnalysis, limit = Infinity) {
  if (analysis.frontier === null)
    return analysis.frontierCut!.sample.slice(0, limit).map((point) => ({
      outcome: outcomeJson(problem, point.outcome),
      utilities: point.utilities.map(toNumber),
      count: null,
    }));
  const frontier = analysis.frontier;
  const indexes =
    limit === Infinity
      ? listedFrontier(frontier).indexes
      : Array.from({ length: Math.min(limit, frontier.size) }, (_, index) => index);
  return indexes.map((index) => paretoEntry(problem, analysis, index));
}

/** The draft's improvements ranked directly: per ranking, the packages as JSON with their criterion. */
function rankedJson(problem: NegotiationProblem, profileFiles: readonly string[], ranked: DraftImprovements) {
  const list = (ranking: ImprovementRanking) => ({
    status: ranking.status,
    ...(ranking.status === 'best-found' ? { gap: ranking.gap && toNumber(ranking.gap) } : {}),
    packages: ranking.packages.map((pkg) => ({
      outcome: outcomeJson(problem, pkg.outcome),
      utilities: pkg.utilities.map(toNumber),
      value: toNumber(pkg.value),
      paretoOptimal: pkg.paretoOptimal,
    })),
  });
  return {
    improvable: ranked.improvable,
    complete: ranked.complete,
    byNash: list(ranked.nash),
    byParty: ranked.byParty.map((ranking, p) => ({ profile: profileFiles[p], ...list(ranking) })),
  };
}

/** Everything of `parley analyze --json` but the frontier itself, in output order around it. */
function analysisSummary(
  problem: NegotiationProblem,
  profileFiles: readonly string[],
  analysis: NegotiationAnalysis,
  draft?: readonly number[],
  draftBudget?: Budget,
) {
  const frontier = analysis.frontier;
  const cut = analysis.frontierCut;
  const head = {
    domain: problem.space.name,
    issues: problem.space.issues.map((issue) => ({ name: issue.name, options: issue.options.length })),
    outcomes: analysis.outcomes.toString(),
    parties: analysis.parties.map((party, p) => ({
      profile: profileFiles[p],
      maxUtility: party.maxUtility && toNumber(party.maxUtility),
      minUtility: party.minUtility && toNumber(party.minUtility),
      reservation: toNumber(party.reservation),
    })),
    // Null when the frontier was not computed (more than `paretoLimit` vectors held, or out of time).
    paretoSize: frontier ? frontier.size : null,
    paretoOutcomes: frontier
      ? frontier.counts.reduce<bigint>((sum, count) => sum + BigInt(count), 0n).toString()
      : null,
    // Above READABLE_FRONTIER vectors `pareto` is a sample spread along the frontier (`--stream` lists all).
    paretoSampled: frontier ? frontier.size > READABLE_FRONTIER : true,
    ...(frontier && frontier.size > READABLE_FRONTIER ? { paretoIndexes: listedFrontier(frontier).indexes } : {}),
    ...(cut
      ? {
          paretoListed: false,
          paretoNotListed: cut.reason === 'size' ? `more than ${cut.limit} vectors held` : 'out of time',
          paretoSizeAtMost: cut.sizeBound.toString(),
        }
      : {}),
  };
  const assessment =
    draft &&
    assessDraft(
      problem,
      frontier,
      draft,
      frontier ? undefined : { k: 10, ...(draftBudget ? { budget: draftBudget } : {}) },
    );
  const tail = {
    nash: pointJson(problem, analysis.nash),
    kalaiSmorodinsky: pointJson(problem, analysis.kalaiSmorodinsky),
    maxWelfare: pointJson(problem, analysis.maxWelfare),
    egalitarian: pointJson(problem, analysis.egalitarian),
    agreement: {
      possible: analysis.agreement.possible,
      ...(analysis.agreement.undecided ? { undecided: true } : {}),
      conflict: analysis.agreement.conflict.map((requirement) => requirementJson(analysis, profileFiles, requirement)),
    },
    ...(assessment && draft
      ? {
          draft: {
            outcome: outcomeJson(problem, draft),
            utilities: assessment.utilities.map(toNumber),
            paretoOptimal: assessment.paretoOptimal,
            violates: assessment.violates.map((requirement) => requirementJson(analysis, profileFiles, requirement)),
            // Without the frontier: the best by the Nash product of the gains over the draft (see `ranked`).
            improvements: assessment.ranked
              ? assessment.ranked.nash.packages.map((pkg) => ({
                  outcome: outcomeJson(problem, pkg.outcome),
                  utilities: pkg.utilities.map(toNumber),
                  count: null,
                }))
              : assessment.improvements.slice(0, 10).map((index) => paretoEntry(problem, analysis, index)),
            ...(assessment.ranked ? { ranked: rankedJson(problem, profileFiles, assessment.ranked) } : {}),
          },
        }
      : {}),
  };
  return { head, tail };
}

/**
 * The JSON of `parley analyze --json`, as one object (the command itself streams the same
 * thing): the whole frontier up to READABLE_FRONTIER vectors, a sample spread along it beyond;
 * `limit` keeps only the first frontier vectors (the text output's).
 */
export function analysisJson(
  problem: NegotiationProblem,
  profileFiles: readonly string[],
  analysis: NegotiationAnalysis,
  draft?: readonly number[],
  limit = Infinity,
  draftBudget?: Budget,
) {
  const { head, tail } = analysisSummary(problem, profileFiles, analysis, draft, draftBudget);
  return { ...head, pareto: listedEntries(problem, analysis, limit), ...tail };
}

/**
 * Writes the analysis as JSON, the listed frontier (whole up to READABLE_FRONTIER vectors, else the
 * sample) written in chunks, so that the output stays bounded whatever the frontier's size.
 */
function writeAnalysisJson(
  write: (chunk: string) => void,
  problem: NegotiationProblem,
  profileFiles: readonly string[],
  analysis: NegotiationAnalysis,
  draft?: readonly number[],
  draftBudget?: Budget,
): void {
  const { head, tail } = analysisSummary(problem, profileFiles, analysis, draft, draftBudget);
  const fields = (object: object) =>
    Object.entries(object).map(
      ([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}`,
    );
  write(`{\n${fields(head).join(',\n')},\n  "pareto": [`);
  const entries = listedEntries(problem, analysis);
  let chunk: string[] = [];
  entries.forEach((entry, k) => {
    chunk.push(`\n    ${JSON.stringify(entry)}`);
    if (chunk.length === 1000) {
      write(`${chunk.join(',')}${k + 1 < entries.length ? ',' : ''}`);
      chunk = [];
    }
  });
  if (chunk.length > 0) write(chunk.join(','));
  write(`${entries.length > 0 ? '\n  ' : ''}],\n${fields(tail).join(',\n')}\n}\n`);
}

/** Parses `--draft "Issue=Option; Issue=Option"` into option indices; every issue needs an option. */
function parseDraft(text: string, problem: NegotiationProblem): number[] {
  const draft: (number | undefined)[] = problem.space.issues.map(() => undefined);
  for (const part of text
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const equals = part.indexOf('=');
    const issueName = part.slice(0, equals).trim();
    const optionName = part.slice(equals + 1).trim();
    const issue = problem.space.issues.findIndex((candidate) => candidate.name === issueName);
    if (equals < 0 || issue < 0)
      throw new CliError(
        `--draft: "${part}" does not name an issue (issues: ${problem.space.issues.map((i) => i.name).join(', ')})`,
        EXIT.usage,
      );
    const option = problem.space.issues[issue]!.options.indexOf(optionName);
    if (option < 0) throw new CliError(`--draft: "${optionName}" is not an option of "${issueName}"`, EXIT.usage);
    draft[issue] = option;
  }
  const missing = draft.findIndex((option) => option === undefined);
  if (missing >= 0)
    throw new CliError(`--draft: no option for issue "${problem.space.issues[missing]!.name}"`, EXIT.usage);
  return draft as number[];
}

function formatUtilities(utilities: readonly number[]): string {
  return utilities.map((u) => u.toFixed(6)).join(', ');
}

function printText(write: (chunk: string) => void, json: ReturnType<typeof analysisJson>): void {
  const out: string[] = [];
  out.push(`domain ${json.domain}: ${json.issues.length} issues, ${json.outcomes} outcomes`);
  json.parties.forEach((party, p) => {
    out.push(
      `  party ${p + 1} ${party.profile}: utility ${party.minUtility?.toFixed(6) ?? '-'} .. ${party.maxUtility?.toFixed(6) ?? '-'}, reservation ${party.reservation}`,
    );
  });
  if (json.paretoSize === null)
    out.push(
      `Pareto frontier: not listed (${json.paretoNotListed}); at most ${json.paretoSizeAtMost} distinct utility vectors. ${json.pareto.length} Pareto-optimal packages found without it, spread along it; --stream lists them all`,
    );
  else out.push(`Pareto frontier: ${json.paretoSize} distinct utility vectors, ${json.paretoOutcomes} outcomes`);
  for (const point of json.pareto) {
    out.push(
      `  [${formatUtilities(point.utilities)}]${point.count === null ? '' : ` x${point.count}`}  ${Object.entries(
        point.outcome,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join('; ')}`,
    );
  }
  if (json.paretoSize !== null && json.paretoSize > json.pareto.length)
    out.push(
      `  … ${json.paretoSize - json.pareto.length} more (${json.paretoSize > READABLE_FRONTIER ? '--stream lists all of them, --json a sample' : 'use --json for all'})`,
    );
  for (const [label, point] of [
    ['Nash', json.nash],
    ['Kalai-Smorodinsky', json.kalaiSmorodinsky],
    ['max welfare', json.maxWelfare],
    ['egalitarian', json.egalitarian],
  ] as const) {
    out.push(
      point
        ? `${label}: [${formatUtilities(point.utilities)}]  ${Object.entries(point.outcome)
            .map(([k, v]) => `${k}=${v}`)
            .join('; ')}`
        : `${label}: none (no agreement is possible)`,
    );
  }
  if (json.draft) {
    out.push(
      `draft: [${formatUtilities(json.draft.utilities)}] ${json.draft.paretoOptimal ? 'is Pareto-optimal' : 'is not Pareto-optimal'}${json.draft.violates.length ? ' and breaks hard constraints' : ''}`,
    );
    for (const better of json.draft.improvements)
      out.push(
        `  better for all: [${formatUtilities(better.utilities)}]  ${Object.entries(better.outcome)
          .map(([k, v]) => `${k}=${v}`)
          .join('; ')}`,
      );
  }
  if (!json.agreement.possible) {
    out.push(
      `no zone of possible agreement; conflicting: ${json.agreement.conflict.map((c) => ('profile' in c ? `reservation of ${c.profile}` : `${c.kind} #${c.index}`)).join(', ')}`,
    );
  }
  write(`${out.join('\n')}\n`);
}

/** Frontier vectors per `write` of `--stream`. */
const STREAM_CHUNK = 1000;

/**
 * `parley analyze --stream`: the whole frontier as NDJSON, a vector a line in the frontier's order
 * (`{"index", "outcome", "utilities", "count"}`), written a chunk at a time; its size first and its
 * end on standard error, with a progress bar there on a terminal.
 */
function streamFrontier(
  problem: NegotiationProblem,
  options: AnalyzeOptions,
  write: (chunk: string) => void,
  bar: Progress,
): void {
  let frontier: ParetoFrontier;
  try {
    frontier = paretoFrontier(problem, { strategy: options.strategy, onProgress: bar.update });
  } finally {
    bar.finish();
  }
  const note = bar.note ?? ((line: string) => process.stderr.write(`${line}\n`));
  note(`Pareto frontier: ${frontier.size} distinct utility vectors; writing them as NDJSON`);
  const listing = bar.note ? bar : progressBar('stream');
  for (let offset = 0; offset < frontier.size; offset += STREAM_CHUNK) {
    const end = Math.min(frontier.size, offset + STREAM_CHUNK);
    let chunk = '';
    for (let index = offset; index < end; index++)
      chunk += `${JSON.stringify({ index, ...paretoEntry(problem, { frontier }, index) })}\n`;
    write(chunk);
    listing.update(end, frontier.size);
  }
  listing.finish();
  note(`wrote ${frontier.size} frontier vectors`);
}

/** `parley analyze --genius FILES…`: the settlement engine on GENIUS files, as text or JSON given to `write`. */
export function analyzeGenius(
  files: string[],
  options: AnalyzeOptions,
  write: (chunk: string) => void,
  bar: Progress = progressBar('analyze'),
): void {
  try {
    const { problem, profileFiles } = loadGeniusProblem(files);
    if (options.stream) {
      if (options.json || options.draft !== undefined)
        throw new CliError(
          '--stream lists the frontier alone, a vector a line: leave out --json and --draft (or leave out --stream for the analysis)',
          EXIT.usage,
        );
      return streamFrontier(problem, options, write, bar);
    }
    // Bad input fails before the long work.
    const draft = options.draft === undefined ? undefined : parseDraft(options.draft, problem);
    const reservations =
      options.reservation === undefined ? undefined : parseReservations(options.reservation, problem.parties.length);
    let analysis: NegotiationAnalysis;
    try {
      analysis = analyzeNegotiation(problem, {
        ...(reservations ? { reservations } : {}),
        strategy: options.strategy,
        onProgress: bar.update,
        ...pointsBudget(options.budget),
      });
    } finally {
      bar.finish();
    }
    // Without the frontier a draft's improvements are searched directly: within --budget, else 10 s.
    const draftBudget = pointsBudget(options.budget).budget ?? pointsBudget('10').budget;
    if (options.json) writeAnalysisJson(write, problem, profileFiles, analysis, draft, draftBudget);
    else
      printText(
        write,
        analysisJson(
          problem,
          profileFiles,
          analysis,
          draft,
          Math.max(0, Number.parseInt(options.limit, 10) || 0),
          draftBudget,
        ),
      );
  } catch (error) {
    if (error instanceof GeniusFormatError) throw new CliError(error.message, EXIT.usage);
    if (error instanceof RangeError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
}

/** The bargaining points' time budget from `--budget` (seconds; 0 or absent: none), on this process's clock. */
function pointsBudget(text: string | undefined): { budget?: { now: () => number; deadline: number } } {
  const seconds = text === undefined ? 0 : Number(text);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new CliError(`--budget: "${text}" is not a number of seconds (0: no budget)`);
  if (seconds === 0) return {};
  const now = () => performance.now();
  return { budget: { now, deadline: now() + seconds * 1000 } };
}
