/**
 * The settlement engine: the mathematics of agreement on numeric domains.
 * Pure functions; no file, network or clock access.
 */
export * from './model.ts';
export * from './rational.ts';
export * from './genius.ts';
export { scaleParty, exactUtility, type ScaledParty } from './scaled.ts';
export {
  additiveFrontier,
  compileConstraints,
  type ParetoFrontier,
  type ProgressCallback,
  type CompiledConstraints,
} from './frontier.ts';
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
export { portableAnalysis, type PortableAnalysis } from './portable.ts';
export { analyzeInWorker, type WorkerAnalysisOptions } from './worker.ts';
