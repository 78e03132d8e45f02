/**
 * GENIUS both ways (the XML of the ANAC competitions): a negotiation's issues and options out as a
 * GENIUS domain and the preferences a reader may see as GENIUS profiles; and an ANAC domain with its
 * profiles in as what a new negotiation is made of. The XML is read and written by the analysis
 * library (`analysis/genius.ts`); this file maps Parley's issues, options and preferences to its
 * outcome space and utilities and back, exactly: what is written is read back and compared, and a
 * number that would not read back exactly is refused rather than rounded.
 */
import { Unzip, UnzipInflate, strToU8, zipSync } from 'fflate';
import {
  GeniusFormatError,
  geniusFileKind,
  parseGeniusDomain,
  parseGeniusProfile,
  writeGeniusDomain,
  writeGeniusProfile,
} from '../analysis/genius.ts';
import type { Issue as EngineIssue, OutcomeSpace, Preferences } from '../analysis/model.ts';
import { ONE, ZERO, add, compare, div, mul, parseDecimal, toNumber, type Rational } from '../analysis/rational.ts';
import { COUNT_LIMITS, TEXT_LIMITS } from '../core/limits.ts';
import type { Issue, Party, Preference } from '../core/model.ts';

/** A file of a GENIUS export or import: its name and its XML. */
export interface GeniusFile {
  name: string;
  text: string;
}

/** Raised when a negotiation cannot be written as GENIUS, or GENIUS files cannot become a negotiation. */
export class GeniusMappingError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'GeniusMappingError';
  }
}

/** How big a GENIUS import may be: the zip, its files, and what they hold. */
export const GENIUS_IMPORT_LIMITS = {
  /** The zip (or all the files) as sent. */
  maxBytes: 5 * 1024 * 1024,
  /** One file once unpacked, and all of them together. */
  maxFileBytes: 2 * 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024,
  /** The domain and at most this many profiles. */
  maxProfiles: 20,
  /** XML nesting (GENIUS files nest a few levels). */
  maxDepth: 32,
};

const TEN = parseDecimal('10')!;

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60) || 'party';

/** A number stored in Parley as the decimal it reads as (what the settlement desk computes with). */
function exactOf(value: number, field: string): Rational {
  const parsed = Number.isFinite(value) ? parseDecimal(String(value)) : undefined;
  if (!parsed) throw new GeniusMappingError(field, `${value} is not a finite decimal number`);
  return parsed;
}

/**
 * A negotiation's issues (their open options) and the preferences given (those the reader may see)
 * as a GENIUS domain and one profile per party. Each profile's weights are the party's weights and
 * its evaluations the party's scores as stored, which GENIUS divides by each issue's best as the
 * settlement desk does; every file is read back, and a value that would not read back exactly is
 * refused with the party and issue named.
 *
 * @example geniusExport('Geneva talks', issues, preferences, parties).map((f) => f.name) // ['geneva-talks-domain.xml', 'us.xml', …]
 */
export function geniusExport(
  title: string,
  issues: Issue[],
  preferences: Preference[],
  parties: Party[],
): GeniusFile[] {
  const usable = issues
    .map((issue) => ({ ...issue, options: issue.options.filter((o) => !o.retiredAt) }))
    .filter((issue) => issue.options.length > 0);
  if (usable.length === 0)
    throw new GeniusMappingError('issues', 'the negotiation has no issues with open options: define them first');
  const names = new Set<string>();
  for (const issue of usable) {
    if (names.has(issue.name))
      throw new GeniusMappingError(
        'issues',
        `two issues are called "${issue.name}"; GENIUS names issues uniquely: rename one before exporting`,
      );
    names.add(issue.name);
    const labels = issue.options.map((o) => o.label);
    const twice = labels.find((label, i) => labels.indexOf(label) !== i);
    if (twice !== undefined)
      throw new GeniusMappingError(
        'issues',
        `issue "${issue.name}" has two options labelled "${twice}"; GENIUS names options uniquely: relabel one`,
      );
  }
  const space: OutcomeSpace = {
    name: title,
    issues: usable.map((issue, index): EngineIssue => ({
      name: issue.name,
      index: index + 1,
      type: 'discrete',
      options: issue.options.map((o) => o.label),
    })),
  };
  const base = slug(title);
  const files: GeniusFile[] = [{ name: `${base}-domain.xml`, text: writeGeniusDomain(space) }];
  const domain = parseGeniusDomain(files[0]!.text, files[0]!.name);
  const used = new Set<string>([files[0]!.name]);
  const sorted = [...preferences].sort((a, b) =>
    partyName(parties, a.partyId).localeCompare(partyName(parties, b.partyId)),
  );
  for (const preference of sorted) {
    const who = partyName(parties, preference.partyId);
    const at = (what: string) => `preferences of ${who}: ${what}`;
    const weights = usable.map((issue) =>
      Object.hasOwn(preference.weights, issue.id)
        ? exactOf(preference.weights[issue.id]!, at(`the weight of "${issue.name}"`))
        : ZERO,
    );
    const raw = usable.map((issue) => {
      const table = Object.hasOwn(preference.scores, issue.id) ? preference.scores[issue.id]! : {};
      return issue.options.map((o) =>
        Object.hasOwn(table, o.id) ? exactOf(table[o.id]!, at(`the score of "${o.label}" of "${issue.name}"`)) : ZERO,
      );
    });
    const evaluations = raw.map((scores) => {
      const best = scores.reduce((a, b) => (compare(a, b) >= 0 ? a : b), ZERO);
      return best.num === 0n ? scores.map(() => ZERO) : scores.map((s) => div(s, best));
    });
    const reservation = exactOf(preference.reservation, at('the reservation value'));
    const profile: Preferences = {
      name: who,
      utility: { kind: 'additive', weights, evaluations, rawEvaluations: raw },
      reservation,
    };
    let name = `${base}-${slug(who)}.xml`;
    for (let n = 2; used.has(name); n++) name = `${base}-${slug(who)}-${n}.xml`;
    used.add(name);
    const text = writeGeniusProfile(space, profile);
    // Read back as any GENIUS reader would, and compared number by number.
    let back: Preferences;
    try {
      back = parseGeniusProfile(text, name, domain);
    } catch (error) {
      throw new GeniusMappingError('preferences', at(`cannot be written as GENIUS: ${(error as Error).message}`));
    }
    if (back.utility.kind !== 'additive') throw new Error('an additive profile read back as another kind');
    const backUtility = back.utility;
    usable.forEach((issue, i) => {
      if (compare(backUtility.weights[i]!, weights[i]!) !== 0)
        throw new GeniusMappingError(
          'preferences',
          at(`the weight of "${issue.name}" does not read back exactly from GENIUS XML; give it as a shorter decimal`),
        );
      issue.options.forEach((option, o) => {
        if (compare(backUtility.evaluations[i]![o]!, evaluations[i]![o]!) !== 0)
          throw new GeniusMappingError(
            'preferences',
            at(
              `the score of "${option.label}" of "${issue.name}" does not read back exactly from GENIUS XML; give it as a shorter decimal`,
            ),
          );
      });
    });
    if (compare(back.reservation, reservation) !== 0)
      throw new GeniusMappingError(
        'preferences',
        at('the reservation value does not read back exactly from GENIUS XML; give it as a shorter decimal'),
      );
    files.push({ name, text });
  }
  return files;
}

function partyName(parties: Party[], id: string): string {
  return parties.find((p) => p.id === id)?.shortName ?? id;
}

/** GENIUS files as one zip (stored as the export's download). */
export function geniusZip(files: GeniusFile[]): Uint8Array {
  return zipSync(Object.fromEntries(files.map((file) => [file.name, strToU8(file.text)])), { level: 6 });
}

/**
 * The XML files of a zip, bounded as they inflate (a zip's declared sizes are not trusted: bytes are
 * counted as they come, fed in small slices, and inflating stops at the limit): at most
 * `maxProfiles + 1` XML files, each and all together within the limits. Other entries are skipped
 * without being inflated.
 */
export function geniusUnzip(bytes: Uint8Array): GeniusFile[] {
  const limits = GENIUS_IMPORT_LIMITS;
  if (bytes.length > limits.maxBytes)
    throw new GeniusMappingError('body', `the zip is ${bytes.length} bytes; the limit is ${limits.maxBytes}`);
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    throw new GeniusMappingError('body', 'the body is not a zip archive: send the domain and profiles zipped');
  const entries: { name: string; chunks: Uint8Array[]; size: number; done: boolean }[] = [];
  let total = 0;
  let seen = 0;
  let refusal: GeniusMappingError | null = null;
  const unzip = new Unzip((file) => {
    if (refusal || !/\.xml$/i.test(file.name) || file.name.endsWith('/')) return;
    if (++seen > limits.maxProfiles + 1) {
      refusal = new GeniusMappingError(
        'body',
        `the zip holds more than ${limits.maxProfiles + 1} XML files; send a domain and at most ${limits.maxProfiles} profiles`,
      );
      return;
    }
    if (entries.some((other) => other.name === file.name)) {
      refusal = new GeniusMappingError('body', `the zip holds ${file.name} twice; send each file once`);
      return;
    }
    const entry = { name: file.name, chunks: [] as Uint8Array[], size: 0, done: false };
    entries.push(entry);
    file.ondata = (error, chunk, final) => {
      if (refusal) return;
      if (error) {
        refusal = new GeniusMappingError('body', `${file.name} in the zip is damaged (${error.message})`);
        return;
      }
      entry.size += chunk.length;
      total += chunk.length;
      if (entry.size > limits.maxFileBytes || total > limits.maxTotalBytes) {
        refusal = new GeniusMappingError(
          'body',
          `the zip's files inflate to more than ${limits.maxFileBytes} bytes a file (${limits.maxTotalBytes} in all); it is refused as a zip bomb would be`,
        );
        file.terminate();
        return;
      }
      entry.chunks.push(chunk);
      if (final) entry.done = true;
    };
    try {
      file.start();
    } catch {
      refusal = new GeniusMappingError('body', `${file.name} is stored with a compression Parley does not read`);
    }
  });
  unzip.register(UnzipInflate);
  const SLICE = 16 * 1024;
  try {
    for (let at = 0; at < bytes.length && !refusal; at += SLICE)
      unzip.push(bytes.subarray(at, Math.min(at + SLICE, bytes.length)), at + SLICE >= bytes.length);
  } catch (error) {
    refusal ??= new GeniusMappingError('body', `the body is not a readable zip (${(error as Error).message})`);
  }
  if (refusal) throw refusal as GeniusMappingError;
  return entries.map((entry) => {
    if (!entry.done) throw new GeniusMappingError('body', `${entry.name} in the zip is cut short`);
    const data = new Uint8Array(entry.size);
    let offset = 0;
    for (const chunk of entry.chunks) {
      data.set(chunk, offset);
      offset += chunk.length;
    }
    return { name: entry.name.split('/').pop()!, text: decodeUtf8(data, entry.name) };
  });
}

/** UTF-8 text, refused with the file named when it is not UTF-8. */
export function decodeUtf8(data: Uint8Array, name: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new GeniusMappingError('body', `${name} is not UTF-8 text`);
  }
}

/** What a new negotiation is made of, from an ANAC domain and its profiles. */
export interface GeniusImport {
  title: string;
  issues: { name: string; options: string[] }[];
  /** One party per profile: its name, and its preferences by issue and option position. */
  parties: { name: string; file: string; weights: number[]; scores: number[][]; reservation: number }[];
  /** What the person should know: weights scaled to add up to 1, a discount factor left out. */
  notes: string[];
}

/**
 * An ANAC domain and its profiles (any order: each file is told by its root element) as a
 * negotiation's issues, parties and preferences. Profiles must be additive (linear) and every issue's
 * best option must evaluate to 1 or every option to 0 (as Parley's scores are read); weights that do
 * not add up to 1 (hand-written files) are divided by their sum, and the notes say so. Hostile
 * files (a DOCTYPE or entity, deep nesting, oversize) are refused with the file named.
 */
export function geniusImport(files: GeniusFile[], limits = GENIUS_IMPORT_LIMITS): GeniusImport {
  let total = 0;
  for (const file of files) {
    total += file.text.length;
    if (file.text.length > limits.maxFileBytes || total > limits.maxTotalBytes)
      throw new GeniusMappingError(
        'files',
        `${file.name} makes the import larger than the ${limits.maxTotalBytes} characters it may hold (${limits.maxFileBytes} a file)`,
      );
    // Deep nesting is refused here, before the parser (GENIUS files nest a few levels).
    if (nestingDepth(file.text) > limits.maxDepth)
      throw new GeniusMappingError('files', `${file.name}: elements nest deeper than ${limits.maxDepth} levels`);
  }
  const kinds = files.map((file) => {
    try {
      return { file, kind: geniusFileKind(file.text, file.name) };
    } catch (error) {
      // A file that is neither (a precomputed frontier, a README) is left out; a hostile one is refused.
      if (error instanceof GeniusFormatError && /neither a GENIUS domain/.test(error.message))
        return { file, kind: 'other' as const };
      throw asMapping(error);
    }
  });
  const domains = kinds.filter((k) => k.kind === 'domain');
  if (domains.length !== 1)
    throw new GeniusMappingError(
      'files',
      domains.length === 0
        ? 'no GENIUS domain file (root element <negotiation_template>) among the files: send the domain with its profiles'
        : `${domains.length} domain files (${domains.map((d) => d.file.name).join(', ')}): send one domain with its profiles`,
    );
  const profiles = kinds.filter((k) => k.kind === 'profile');
  if (profiles.length === 0)
    throw new GeniusMappingError('files', 'no GENIUS profile (root element <utility_space>): send one per party');
  if (profiles.length > limits.maxProfiles)
    throw new GeniusMappingError('files', `${profiles.length} profiles; an import takes at most ${limits.maxProfiles}`);
  const domainFile = domains[0]!.file;
  let space: OutcomeSpace;
  try {
    space = parseGeniusDomain(domainFile.text, domainFile.name);
  } catch (error) {
    throw asMapping(error);
  }
  if (space.issues.length > COUNT_LIMITS.issuesPerNegotiation)
    throw new GeniusMappingError(
      'files',
      `${domainFile.name}: ${space.issues.length} issues; a negotiation holds at most ${COUNT_LIMITS.issuesPerNegotiation}`,
    );
  for (const issue of space.issues) {
    if (issue.options.length > COUNT_LIMITS.optionsPerIssue || issue.options.length < 2)
      throw new GeniusMappingError(
        'files',
        `${domainFile.name}: issue "${issue.name}" has ${issue.options.length} options; an issue has from 2 to ${COUNT_LIMITS.optionsPerIssue}`,
      );
    const long = [issue.name, ...issue.options].find((label) => label.length > TEXT_LIMITS.labelLength);
    if (long !== undefined)
      throw new GeniusMappingError(
        'files',
        `${domainFile.name}: "${long.slice(0, 40)}…" is longer than ${TEXT_LIMITS.labelLength} characters`,
      );
  }
  const notes: string[] = [];
  const parties = profiles.map(({ file }) => {
    let preferences: Preferences;
    const name = file.name.replace(/\.xml$/i, '').slice(0, 100) || 'party';
    try {
      preferences = parseGeniusProfile(file.text, file.name, space, name);
    } catch (error) {
      throw asMapping(error);
    }
    const utility = preferences.utility;
    if (utility.kind !== 'additive')
      throw new GeniusMappingError(
        'files',
        `${file.name} is a nonlinear (hyper-rectangle) profile; Parley's preferences are additive (weights × option scores)`,
      );
    const sum = utility.weights.reduce((a, b) => add(a, b), ZERO);
    if (sum.num <= 0n) throw new GeniusMappingError('files', `${file.name}: every weight is 0`);
    const scale = div(ONE, sum);
    if (compare(scale, ONE) !== 0)
      notes.push(
        `${file.name}: the weights add up to ${toNumber(sum)}; they were divided by their sum (and the reservation value with them), which changes no package's rank`,
      );
    if (preferences.discountFactor)
      notes.push(
        `${file.name}: the discount factor ${toNumber(preferences.discountFactor)} is left out (Parley has no clock on offers)`,
      );
    const scores = space.issues.map((issue, i) => {
      const evaluations = utility.evaluations[i]!;
      const best = evaluations.reduce((a, b) => (compare(a, b) >= 0 ? a : b), ZERO);
      if (best.num !== 0n && compare(best, ONE) !== 0)
        throw new GeniusMappingError(
          'files',
          `${file.name}: the best option of "${issue.name}" evaluates to ${toNumber(best)}; Parley reads each issue's scores relative to its best, so the profile would change meaning`,
        );
      // Raw evaluations (discrete issues) keep their exact ratios: scaled into [0, 1] by a power of ten.
      const raw = utility.rawEvaluations?.[i];
      if (raw && best.num !== 0n) {
        if (raw.some((r) => r.num < 0n))
          throw new GeniusMappingError('files', `${file.name}: "${issue.name}" has a negative evaluation`);
        const largest = raw.reduce((a, b) => (compare(a, b) >= 0 ? a : b), ZERO);
        let power = ONE;
        while (compare(mul(largest, power), ONE) > 0) power = div(power, TEN);
        return raw.map((r) => toNumber(mul(r, power)));
      }
      return evaluations.map((e) => toNumber(e));
    });
    const weights = utility.weights.map((w) => mul(w, scale));
    if (compare(scale, ONE) === 0 && weights.some((w) => compare(parseDecimal(String(toNumber(w)))!, w) !== 0))
      notes.push(
        `${file.name}: some weights have more digits than Parley keeps (a double, about 16 significant digits); they were rounded`,
      );
    return {
      name,
      file: file.name,
      weights: weights.map((w) => toNumber(w)),
      scores,
      reservation: toNumber(mul(preferences.reservation, scale)),
    };
  });
  for (const party of parties)
    if (party.reservation < 0 || party.reservation > 1)
      throw new GeniusMappingError(
        'files',
        `${party.file}: the reservation value ${party.reservation} is not between 0 and 1`,
      );
  const title = space.name && space.name !== 'domain' ? space.name : domainFile.name.replace(/\.xml$/i, '');
  return {
    title: title.slice(0, 200),
    issues: space.issues.map((i) => ({ name: i.name, options: [...i.options] })),
    parties,
    notes,
  };
}

/** How deep the elements of an XML text nest, counted linearly over its tags. */
function nestingDepth(xml: string): number {
  let depth = 0;
  let deepest = 0;
  for (const match of xml.matchAll(/<(\/?)[A-Za-z_][^>]*?(\/?)>/g)) {
    if (match[1]) depth--;
    else if (!match[2]) deepest = Math.max(deepest, ++depth);
  }
  return deepest;
}

function asMapping(error: unknown): unknown {
  if (error instanceof GeniusFormatError) return new GeniusMappingError('files', error.message);
  return error;
}
