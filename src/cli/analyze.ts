import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import {
  analyzeNegotiation,
  GENIUS_LIMITS,
  GeniusFormatError,
  geniusFileKind,
  parseDecimal,
  parseGeniusDomain,
  parseGeniusProfile,
  toNumber,
  type AgreementPoint,
  type FrontierStrategy,
  type NegotiationAnalysis,
  type NegotiationProblem,
  type Rational,
  type Requirement,
} from '../analysis/index.ts';
import { CliError, EXIT } from './errors.ts';

interface AnalyzeOptions {
  genius?: boolean;
  reservation?: string;
  json?: boolean;
  strategy: FrontierStrategy;
  limit: string;
}

function readText(path: string): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new CliError(`cannot read ${path}: no such file`, EXIT.usage);
  }
  if (size > GENIUS_LIMITS.maxBytes) throw new CliError(`${path}: file is ${size} bytes; the limit is ${GENIUS_LIMITS.maxBytes}`, EXIT.usage);
  return readFileSync(path, 'utf8');
}

/** Loads a GENIUS domain and its profiles; the domain is recognised by its root element, wherever it is in the list. */
export function loadGeniusProblem(paths: readonly string[]): { problem: NegotiationProblem; profileFiles: string[] } {
  const files = paths.map((path) => ({ path, text: readText(path) }));
  const kinds = files.map((file) => geniusFileKind(file.text, file.path));
  const domains = files.filter((_, i) => kinds[i] === 'domain');
  if (domains.length !== 1) throw new CliError(`expected exactly one GENIUS domain file (<negotiation_template>), got ${domains.length}`, EXIT.usage);
  const profiles = files.filter((_, i) => kinds[i] === 'profile');
  if (profiles.length === 0) throw new CliError('expected at least one GENIUS profile file (<utility_space>)', EXIT.usage);
  const space = parseGeniusDomain(domains[0]!.text, domains[0]!.path);
  const parties = profiles.map((file) => parseGeniusProfile(file.text, file.path, space, basename(file.path)));
  return { problem: { space, parties }, profileFiles: profiles.map((file) => file.path) };
}

function parseReservations(text: string, parties: number): Rational[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length !== parties) throw new CliError(`--reservation has ${parts.length} values for ${parties} profiles`, EXIT.usage);
  return parts.map((part) => {
    const value = parseDecimal(part);
    if (!value) throw new CliError(`--reservation: "${part}" is not a number`, EXIT.usage);
    return value;
  });
}

/** A progress bar on stderr, drawn only on a terminal and only once work has taken more than a second. */
function progressBar(label: string): { update: (done: number, total: number) => void; finish: () => void } {
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
    outcome: Object.fromEntries(problem.space.issues.map((issue, i) => [issue.name, issue.options[point.outcome[i]!]!])),
    utilities: point.utilities.map(toNumber),
    count: String(point.count),
  };
}

function requirementJson(problem: NegotiationProblem, profileFiles: readonly string[], requirement: Requirement) {
  if (requirement.kind === 'reservation') {
    return { kind: 'reservation', profile: profileFiles[requirement.party], value: toNumber(problem.parties[requirement.party]!.reservation) };
  }
  return { kind: requirement.kind, index: requirement.index };
}

/** The JSON shape of `parley analyze --json`. */
export function analysisJson(problem: NegotiationProblem, profileFiles: readonly string[], analysis: NegotiationAnalysis) {
  const frontier = analysis.frontier;
  const pareto = [];
  for (let index = 0; index < frontier.size; index++) {
    const outcome = frontier.representative(index);
    pareto.push({
      outcome: Object.fromEntries(problem.space.issues.map((issue, i) => [issue.name, issue.options[outcome[i]!]!])),
      utilities: Array.from({ length: frontier.parties }, (_, p) => toNumber({ num: frontier.exactNumerator(index, p), den: frontier.scaled[p]!.denominator })),
      count: String(frontier.counts[index]),
    });
  }
  return {
    domain: problem.space.name,
    issues: problem.space.issues.map((issue) => ({ name: issue.name, options: issue.options.length })),
    outcomes: analysis.outcomes.toString(),
    parties: analysis.parties.map((party, p) => ({
      profile: profileFiles[p],
      maxUtility: party.maxUtility && toNumber(party.maxUtility),
      minUtility: party.minUtility && toNumber(party.minUtility),
      reservation: toNumber(party.reservation),
    })),
    paretoSize: frontier.size,
    paretoOutcomes: frontier.counts.reduce<bigint>((sum, count) => sum + BigInt(count), 0n).toString(),
    pareto,
    nash: pointJson(problem, analysis.nash),
    kalaiSmorodinsky: pointJson(problem, analysis.kalaiSmorodinsky),
    maxWelfare: pointJson(problem, analysis.maxWelfare),
    egalitarian: pointJson(problem, analysis.egalitarian),
    agreement: {
      possible: analysis.agreement.possible,
      conflict: analysis.agreement.conflict.map((requirement) => requirementJson(problem, profileFiles, requirement)),
    },
  };
}

function formatUtilities(utilities: readonly number[]): string {
  return utilities.map((u) => u.toFixed(6)).join(', ');
}

function printText(json: ReturnType<typeof analysisJson>, limit: number): void {
  const out: string[] = [];
  out.push(`domain ${json.domain}: ${json.issues.length} issues, ${json.outcomes} outcomes`);
  json.parties.forEach((party, p) => {
    out.push(`  party ${p + 1} ${party.profile}: utility ${party.minUtility?.toFixed(6) ?? '-'} .. ${party.maxUtility?.toFixed(6) ?? '-'}, reservation ${party.reservation}`);
  });
  out.push(`Pareto frontier: ${json.paretoSize} distinct utility vectors, ${json.paretoOutcomes} outcomes`);
  for (const point of json.pareto.slice(0, limit)) {
    out.push(`  [${formatUtilities(point.utilities)}] x${point.count}  ${Object.entries(point.outcome).map(([k, v]) => `${k}=${v}`).join('; ')}`);
  }
  if (json.pareto.length > limit) out.push(`  … ${json.pareto.length - limit} more (use --json for all)`);
  for (const [label, point] of [
    ['Nash', json.nash],
    ['Kalai-Smorodinsky', json.kalaiSmorodinsky],
    ['max welfare', json.maxWelfare],
    ['egalitarian', json.egalitarian],
  ] as const) {
    out.push(point ? `${label}: [${formatUtilities(point.utilities)}]  ${Object.entries(point.outcome).map(([k, v]) => `${k}=${v}`).join('; ')}` : `${label}: none (no agreement is possible)`);
  }
  if (!json.agreement.possible) {
    out.push(`no zone of possible agreement; conflicting: ${json.agreement.conflict.map((c) => ('profile' in c ? `reservation of ${c.profile}` : `${c.kind} #${c.index}`)).join(', ')}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

/** `parley analyze`: the settlement engine on GENIUS files. */
export function analyzeCommand(): Command {
  return new Command('analyze')
    .description('Pareto frontier, Nash, Kalai-Smorodinsky, max-welfare and egalitarian points of a negotiation domain')
    .argument('<files...>', 'GENIUS domain file and profile files (recognised by their root element)')
    .option('--genius', 'read GENIUS XML files (the only format so far)')
    .option('--reservation <values>', 'reservation values, comma-separated, one per profile (default: each profile\'s own)')
    .option('--json', 'write the analysis as JSON to stdout')
    .addOption(new Option('--strategy <name>', 'frontier algorithm').choices(['auto', 'merge', 'search', 'enumerate']).default('auto'))
    .option('--limit <n>', 'frontier rows to print (text output)', '20')
    .action((files: string[], options: AnalyzeOptions) => {
      try {
        const { problem, profileFiles } = loadGeniusProblem(files);
        const reservations = options.reservation === undefined ? undefined : parseReservations(options.reservation, problem.parties.length);
        const bar = progressBar('analyze');
        let analysis: NegotiationAnalysis;
        try {
          analysis = analyzeNegotiation(problem, { ...(reservations ? { reservations } : {}), strategy: options.strategy, onProgress: bar.update });
        } finally {
          bar.finish();
        }
        const json = analysisJson(problem, profileFiles, analysis);
        if (options.json) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
        else printText(json, Math.max(0, Number.parseInt(options.limit, 10) || 0));
      } catch (error) {
        if (error instanceof GeniusFormatError) throw new CliError(error.message, EXIT.usage);
        if (error instanceof RangeError) throw new CliError(error.message, EXIT.usage);
        throw error;
      }
    });
}
