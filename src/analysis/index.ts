/**
 * The settlement engine: the mathematics of agreement on numeric domains.
 * Pure functions; no file, network or clock access.
 */
import { analyzeNegotiation, type AnalysisOptions, type NegotiationAnalysis } from './analyze.ts';
import { parseGeniusDomain, parseGeniusProfile } from './genius.ts';
import type { NegotiationProblem } from './model.ts';

export * from './model.ts';
export * from './rational.ts';
export * from './genius.ts';
export { scaleParty, exactUtility, type ScaledParty } from './scaled.ts';
export {
  additiveFrontier,
  compileConstraints,
  FrontierStopped,
  type FrontierCheck,
  type ParetoFrontier,
  type ProgressCallback,
  type CompiledConstraints,
} from './frontier.ts';
export { frontierSizeBound, supportedSample, simplexWeights, type SupportedPackage } from './supported.ts';
export { weightedWelfarePackage, type Budget } from './bargain.ts';
export { generalFrontier } from './general.ts';
export { enumerationFrontier } from './enumerate.ts';
export { bargainingSolutions, type BargainingSolutions } from './solutions.ts';
export * from './analyze.ts';
export {
  draftImprovements,
  IMPROVEMENTS_PER_RANKING,
  type DraftImprovements,
  type Improvement,
  type ImprovementOptions,
  type ImprovementRanking,
} from './improvements.ts';
export { portableAnalysis, IMPROVEMENT_LIMIT, type PortableAnalysis } from './portable.ts';
export { frontierSample, listedFrontier, FRONTIER_SAMPLE, READABLE_FRONTIER } from './frontier-sample.ts';
export {
  analyzeInWorker,
  streamFrontierInWorker,
  type FrontierStreamOptions,
  type WorkerAnalysisOptions,
} from './worker.ts';

/**
 * A negotiation read from GENIUS XML texts: the domain's and each profile's (in the order given, which
 * is the parties' order). `names` names the parties (and the files in messages); by default
 * `profile 1`, `profile 2`, …. Throws a GeniusFormatError naming the file and the element at fault.
 *
 * @example
 * const problem = readGenius(domainXml, [buyerXml, sellerXml], ['buyer', 'seller']);
 */
export function readGenius(
  domainXml: string,
  profileXmls: readonly string[],
  names: readonly string[] = profileXmls.map((_, p) => `profile ${p + 1}`),
): NegotiationProblem {
  if (names.length !== profileXmls.length)
    throw new RangeError(`${names.length} names for ${profileXmls.length} profiles`);
  const space = parseGeniusDomain(domainXml, 'domain');
  return { space, parties: profileXmls.map((xml, p) => parseGeniusProfile(xml, names[p]!, space, names[p]!)) };
}

/**
 * Everything the engine says of a negotiation (`analyzeNegotiation`): the exact Pareto frontier, the
 * Nash, Kalai-Smorodinsky, maximum-welfare and egalitarian points, each party's utility range, and
 * whether agreement is possible at all.
 *
 * @example
 * const { nash, frontier } = analyze(readGenius(domainXml, [buyerXml, sellerXml]));
 */
export function analyze(problem: NegotiationProblem, options: AnalysisOptions = {}): NegotiationAnalysis {
  return analyzeNegotiation(problem, options);
}
