/**
 * Settlement-engine benchmark: `npm run bench:analysis`.
 *
 * For every GENIUS fixture and for seeded synthetic domains with opposed
 * preferences (bench/synthetic.ts), prints the outcome count, the size of the
 * exact Pareto frontier (distinct utility vectors), the time of the engine
 * `auto` picks (first run, and the median of seven more), the full analysis
 * (frontier, the four points, each party's utility range), the working memory
 * of the first run (heap plus buffers, sampled at every progress step),
 * and the time of a plain enumeration baseline run in the same
 * process where it can finish (up to BASELINE_LIMIT outcomes), with the ratio.
 * Then, per GENIUS fixture, the parse apart from the analysis: reading its files (kind of each
 * file, domain, profiles) the first time and the median of seven more, the median full analysis
 * for comparison, and the XML reading alone against the previous parser's (fast-xml-parser, same
 * options, test/analysis/reference-xml.ts) with the ratio; and both readers' very first call in
 * the process. Ends with the targets and whether this run met them.
 *
 * Then the real-table cases (bench/real-table.ts): 2–7 parties × 8–28 issues × 3–5 options, the
 * engine against the frontier-first path and enumeration, each method stopped at a time limit.
 *
 * Options: `--quick` skips the slowest baselines and runs fewer real-table cases with a 5 s limit;
 * `--timeout SECONDS` sets the real-table limit (default 60, 5 with --quick); `--real-table` runs
 * only the real-table cases.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  analyzeNegotiation,
  compileConstraints,
  enumerationFrontier,
  geniusFileKind,
  outcomeCount,
  paretoFrontier,
  parseGeniusDomain,
  parseGeniusProfile,
  scaleParty,
  type NegotiationProblem,
} from '../src/analysis/index.ts';
import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readXml } from '../src/analysis/genius-xml.ts';
import { fastXmlParserTree } from '../test/analysis/reference-xml.ts';
import { runRealTable } from './real-table.ts';
import { opposedDomain } from './synthetic.ts';

const FIXTURES = join(import.meta.dirname, '..', 'test', 'fixtures', 'genius');
const FIXTURE_NAMES = [
  'Laptop',
  'ItexvsCypress',
  'EnglandZimbabwe',
  'Party',
  'Grocery',
  'Amsterdam',
  'Camera',
  'Vacation',
  'Politics',
  'Wholesaler',
  'Supermarket',
  'Travel',
  'Energy',
  'ParsCat',
  'EnergyGrid',
  '10issuesDiscountedwithRV',
];
const quick = process.argv.includes('--quick');
const timeoutArgument = process.argv.indexOf('--timeout');
const timeoutSeconds = timeoutArgument >= 0 ? Number(process.argv[timeoutArgument + 1]) : quick ? 5 : 60;
if (!(timeoutSeconds > 0)) throw new Error('--timeout takes a number of seconds above 0');
if (process.argv.includes('--real-table')) {
  console.log(`Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})`);
  process.exit((await runRealTable({ quick, timeoutSeconds })) ? 0 : 1);
}
// Collecting garbage before each case gives each its own baseline of memory.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const BASELINE_LIMIT = quick ? 500_000 : 10_000_000;

interface FixtureText {
  file: string;
  text: string;
}

function fixtureTexts(name: string): FixtureText[] {
  const dir = join(FIXTURES, name);
  // pareto.xml (ANAC 2014) is a plain list of numbers, neither a domain nor a profile.
  return readdirSync(dir)
    .filter((file) => file.endsWith('.xml') && file !== 'pareto.xml')
    .sort()
    .map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
}

/** What `parley analyze` does with the files: tell each file's kind, read the domain, then the profiles. */
function parseFixture(texts: FixtureText[]): NegotiationProblem {
  const domain = texts.find(({ file, text }) => geniusFileKind(text, file) === 'domain')!;
  const space = parseGeniusDomain(domain.text, domain.file);
  const parties = texts
    .filter(({ file, text }) => geniusFileKind(text, file) === 'profile')
    .map(({ file, text }) => parseGeniusProfile(text, file, space));
  return { space, parties };
}

interface ParseRow {
  name: string;
  files: number;
  kib: number;
  firstMs: number;
  medianMs: number;
  treeMs: number;
  referenceTreeMs: number;
}

const parseRows: ParseRow[] = [];

function loadFixture(name: string): NegotiationProblem {
  const texts = fixtureTexts(name);
  const first = time(() => parseFixture(texts));
  const runs = Array.from({ length: 7 }, () => time(() => parseFixture(texts)).ms);
  const readAll = (read: (xml: string) => unknown) => () => texts.forEach(({ text }) => read(text));
  const tree = readAll((xml) => readXml(xml, 64));
  const reference = readAll(fastXmlParserTree);
  tree();
  reference();
  parseRows.push({
    name,
    files: texts.length,
    kib: texts.reduce((sum, { text }) => sum + text.length, 0) / 1024,
    firstMs: first.ms,
    medianMs: median(runs),
    treeMs: median(Array.from({ length: 7 }, () => time(tree).ms)),
    referenceTreeMs: median(Array.from({ length: 7 }, () => time(reference).ms)),
  });
  return first.result;
}

/** JavaScript heap plus typed-array buffers (which live outside the heap). */
function usedMemory(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function time<T>(run: () => T): { ms: number; result: T } {
  const start = performance.now();
  const result = run();
  return { ms: performance.now() - start, result };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Row {
  name: string;
  parties: number;
  outcomes: bigint;
  frontier: number;
  firstMs: number;
  medianMs: number;
  analyzeMs: number;
  baselineMs: number | null;
  baselineRate: number | null;
  /** Peak of heap plus buffers during the first run, above the level before it. */
  workingMiB: number;
}

function measure(name: string, problem: NegotiationProblem, withBaseline = true): Row {
  const outcomes = outcomeCount(problem.space);
  // Working memory: heap and buffers sampled at every progress step of the first run, above the level before it.
  collect();
  const memoryBefore = usedMemory();
  let memoryPeak = memoryBefore;
  const sample = () => {
    memoryPeak = Math.max(memoryPeak, usedMemory());
  };
  const first = time(() => paretoFrontier(problem, { onProgress: sample }));
  sample();
  const workingMiB = (memoryPeak - memoryBefore) / 2 ** 20;
  const runs = Array.from({ length: 7 }, () => time(() => paretoFrontier(problem)).ms);
  const analyzeMs = time(() => analyzeNegotiation(problem)).ms;
  let baselineMs: number | null = null;
  if (withBaseline && outcomes <= BigInt(BASELINE_LIMIT)) {
    const scaled = problem.parties.map(scaleParty);
    const constraints = compileConstraints(problem);
    const baseline = time(() => enumerationFrontier(scaled, constraints));
    if (baseline.result.size !== first.result.size)
      throw new Error(
        `${name}: enumeration found ${baseline.result.size} frontier vectors, the engine ${first.result.size}`,
      );
    baselineMs = baseline.ms;
  }
  const row: Row = {
    name,
    parties: problem.parties.length,
    outcomes,
    frontier: first.result.size,
    firstMs: first.ms,
    medianMs: median(runs),
    analyzeMs,
    baselineMs,
    baselineRate: baselineMs === null ? null : Number(outcomes) / (baselineMs / 1000),
    workingMiB,
  };
  print(row);
  return row;
}

const ratio = (value: number) => (value < 10 ? value.toFixed(1) : value.toFixed(0));
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
function print(row: Row): void {
  const baseline =
    row.baselineMs === null
      ? 'n/a | n/a | n/a'
      : `${fmt(row.baselineMs)} | ${(row.baselineRate! / 1e6).toFixed(1)}M/s | ${ratio(row.baselineMs / row.medianMs)}×`;
  console.log(
    `| ${row.name} | ${row.parties} | ${row.outcomes.toLocaleString('en')} | ${row.frontier.toLocaleString('en')} | ${fmt(row.firstMs)} | ${fmt(row.medianMs)} | ${fmt(row.analyzeMs)} | ${row.workingMiB.toFixed(1)} | ${baseline} |`,
  );
}

console.log(`Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})\n`);
// The very first GENIUS reading of the process, by each reader, on the first fixture: what a one-shot CLI run pays.
const firstTexts = fixtureTexts(FIXTURE_NAMES[0]!);
const coldParse = time(() => parseFixture(firstTexts));
const coldReference = time(() => firstTexts.forEach(({ text }) => fastXmlParserTree(text)));
console.log(
  '| domain | parties | outcomes | frontier vectors | first run ms | median ms (7 runs) | full analysis ms | working memory MiB | enumeration ms | enumeration rate | ratio |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
// The very first call in the process, before anything is compiled: the worst case a one-shot CLI run sees.
const cold = time(() => paretoFrontier(opposedDomain({ parties: 2, issues: 28, options: 5, seed: 1 })));
const rows: Row[] = [];
for (const name of FIXTURE_NAMES) rows.push(measure(name, loadFixture(name)));
const synthetic: [number, number, number][] = [
  [2, 10, 5],
  [3, 8, 5],
  [4, 7, 5],
  [2, 28, 5],
  [3, 16, 5],
  [4, 12, 5],
];
for (const [parties, issues, options] of synthetic) {
  rows.push(
    measure(`opposed ${parties}×${issues}×${options} (seed 1)`, opposedDomain({ parties, issues, options, seed: 1 })),
  );
}

console.log(
  '\n| domain | files | KiB | parse first ms | parse median ms (7 runs) | analysis median ms | XML reading ms | fast-xml-parser ms (previous) | ratio |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const row of parseRows) {
  const analysis = rows.find((r) => r.name === row.name)!;
  console.log(
    `| ${row.name} | ${row.files} | ${row.kib.toFixed(1)} | ${fmt(row.firstMs)} | ${fmt(row.medianMs)} | ${fmt(analysis.medianMs)} | ${fmt(row.treeMs)} | ${fmt(row.referenceTreeMs)} | ${ratio(row.referenceTreeMs / row.treeMs)}× |`,
  );
}
console.log(
  `\nfirst GENIUS reading of the process (${FIXTURE_NAMES[0]}, ${firstTexts.length} files): ${fmt(coldParse.ms)} ms in all; fast-xml-parser's first XML reading of the same files alone: ${fmt(coldReference.ms)} ms`,
);

const find = (name: string) => rows.find((row) => row.name.startsWith(name))!;
const fixtures = rows.filter((row) => FIXTURE_NAMES.includes(row.name) && row.name !== '10issuesDiscountedwithRV');
const rates = rows.map((row) => row.baselineRate).filter((rate): rate is number => rate !== null && rate > 0);
const peakMiB = process.resourceUsage().maxRSS / 1024;
const targets: [string, boolean, string][] = [
  [
    '2 parties × 28 issues × 5 options under 100 ms',
    cold.ms < 100 && find('opposed 2×28').medianMs < 100,
    `${fmt(find('opposed 2×28').medianMs)} ms; ${fmt(cold.ms)} ms as the first call of the process`,
  ],
  [
    'every linear fixture under 50 ms',
    fixtures.every((row) => row.medianMs < 50),
    `slowest ${fmt(Math.max(...fixtures.map((row) => row.medianMs)))} ms`,
  ],
  [
    'Energy at least 100× faster than NegMAS (2.1 s, quoted)',
    2100 / find('Energy').medianMs >= 100,
    `${(2100 / find('Energy').medianMs).toFixed(0)}×`,
  ],
  [
    'ParsCat vs NegMAS (5.4 s, quoted)',
    5400 / find('ParsCat').medianMs >= 100,
    `${(5400 / find('ParsCat').medianMs).toFixed(0)}×`,
  ],
  [
    '3 parties × 16 issues × 5 options under 1 s',
    find('opposed 3×16').medianMs < 1000,
    `${fmt(find('opposed 3×16').medianMs)} ms`,
  ],
  [
    '4 parties × 12 issues × 5 options under 2 s',
    find('opposed 4×12').medianMs < 2000,
    `${fmt(find('opposed 4×12').medianMs)} ms`,
  ],
  [
    'ANAC 2014 nonlinear frontier under 10 s',
    find('10issues').medianMs < 10_000,
    `${fmt(find('10issues').medianMs)} ms`,
  ],
  [
    'enumeration baseline at 20M outcomes/s per core (best run)',
    Math.max(...rates) >= 20e6,
    `best ${(Math.max(...rates) / 1e6).toFixed(1)}M/s, worst ${(Math.min(...rates) / 1e6).toFixed(1)}M/s`,
  ],
  ['memory under 1 GiB', peakMiB < 1024, `peak RSS ${peakMiB.toFixed(0)} MiB`],
];
console.log('\n| target | met | this run |\n|---|---|---|');
for (const [label, met, detail] of targets) console.log(`| ${label} | ${met ? 'yes' : 'NO'} | ${detail} |`);

if (!(await runRealTable({ quick, timeoutSeconds }))) {
  console.log('\nthe methods disagree on a bargaining point: see the table');
  process.exitCode = 1;
}
