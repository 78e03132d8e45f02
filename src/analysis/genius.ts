import { readXml, XmlSyntaxError, type XmlElement } from './genius-xml.ts';
import type {
  AdditiveUtility,
  HyperRectangle,
  HyperRectangleUtility,
  Issue,
  LinearEvaluator,
  OutcomeSpace,
  Preferences,
  RectangleCondition,
} from './model.ts';
import {
  ONE,
  ZERO,
  add,
  compare,
  div,
  lcm,
  max,
  min,
  mul,
  parseDecimal,
  rational,
  sub,
  toDecimalString,
  type Rational,
} from './rational.ts';

/**
 * Reading and writing GENIUS XML (the format of the ANAC competitions): domain
 * files (`<negotiation_template>`) and utility-space profiles
 * (`<utility_space>`), including the ANAC 2014 nonlinear hyper-rectangle
 * profiles. Functions take the XML text and a file name used in messages; they
 * never touch the file system.
 */

/** A GENIUS file that cannot be read; the message names the file and the element. */
export class GeniusFormatError extends Error {
  constructor(
    readonly fileName: string,
    readonly element: string,
    detail: string,
  ) {
    super(`${fileName}: ${element}: ${detail}`);
    this.name = 'GeniusFormatError';
  }
}

/** Limits that keep hostile files from exhausting memory or time. */
export const GENIUS_LIMITS = {
  maxBytes: 32 * 1024 * 1024,
  maxDepth: 64,
  maxOptionsPerIssue: 100_000,
  maxIssues: 10_000,
  maxRectangles: 100_000,
  /** All options of all issues together. */
  maxTotalOptions: 1_000_000,
  /** Work of reading hyper-rectangles: Σ over conditions of the options of the condition's issue. */
  maxRectangleWork: 20_000_000,
  /** Default number of points a real issue is discretised into when the file does not say. */
  realDiscretisationSteps: 21,
  /** Additive weights must sum to 1 within this tolerance (GENIUS files are written by hand: Laptop sums to 1.0000518). */
  weightSumTolerance: 1e-3,
} as const;

type XmlNode = XmlElement;

function parseXml(xml: string, fileName: string, rootOnly = false): { root: string; node: XmlNode } {
  if (xml.length > GENIUS_LIMITS.maxBytes) {
    throw new GeniusFormatError(
      fileName,
      'document',
      `file is ${xml.length} characters; the limit is ${GENIUS_LIMITS.maxBytes}`,
    );
  }
  // Entity declarations are how "billion laughs" documents explode; GENIUS files never need them.
  const declaration = /<!(DOCTYPE|ENTITY)/i.exec(xml);
  if (declaration)
    throw new GeniusFormatError(fileName, `<!${declaration[1]}>`, 'DOCTYPE and entity declarations are not allowed');
  try {
    const { root, element } = readXml(xml, GENIUS_LIMITS.maxDepth, rootOnly);
    return { root, node: element };
  } catch (error) {
    if (error instanceof XmlSyntaxError && error.element !== undefined)
      throw new GeniusFormatError(fileName, error.element, error.message);
    const detail = error instanceof Error ? error.message : String(error);
    throw new GeniusFormatError(fileName, 'document', `not well-formed XML (${detail})`);
  }
}

function children(node: XmlNode, name: string): XmlNode[] {
  const value = node[name];
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((child) => (typeof child === 'object' && child !== null ? (child as XmlNode) : {}));
}

function child(node: XmlNode, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

function attribute(node: XmlNode, name: string): string | undefined {
  const value = node[`@${name}`];
  return typeof value === 'string' ? value : undefined;
}

function describe(tag: string, node: XmlNode): string {
  const keys = ['name', 'index', 'value'].filter((key) => attribute(node, key) !== undefined);
  const attrs = keys.map((key) => ` ${key}="${attribute(node, key)}"`).join('');
  return `<${tag}${attrs}>`;
}

function requireDecimal(node: XmlNode, name: string, fileName: string, element: string): Rational {
  const text = attribute(node, name);
  if (text === undefined) throw new GeniusFormatError(fileName, element, `missing attribute "${name}"`);
  const value = parseDecimal(text);
  if (!value) throw new GeniusFormatError(fileName, element, `attribute ${name}="${text}" is not a decimal number`);
  return value;
}

function optionalDecimal(
  node: XmlNode | undefined,
  name: string,
  fileName: string,
  element: string,
): Rational | undefined {
  if (!node || attribute(node, name) === undefined) return undefined;
  return requireDecimal(node, name, fileName, element);
}

function requireInteger(node: XmlNode, name: string, fileName: string, element: string): number {
  const value = requireDecimal(node, name, fileName, element);
  if (value.den !== 1n || value.num > BigInt(Number.MAX_SAFE_INTEGER) || value.num < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new GeniusFormatError(fileName, element, `attribute ${name}="${attribute(node, name)}" is not an integer`);
  }
  return Number(value.num);
}

function issueType(node: XmlNode): string {
  return (attribute(node, 'type') ?? attribute(node, 'etype') ?? attribute(node, 'vtype') ?? 'discrete').toLowerCase();
}

/** The issues of an objective, flattening nested objectives the way GENIUS lists them. */
function collectIssues(objective: XmlNode): XmlNode[] {
  return [...children(objective, 'issue'), ...children(objective, 'objective').flatMap(collectIssues)];
}

function readIssue(node: XmlNode, fileName: string): Issue {
  const element = describe('issue', node);
  const name = attribute(node, 'name');
  if (name === undefined || name === '') throw new GeniusFormatError(fileName, element, 'missing attribute "name"');
  const index =
    attribute(node, 'index') === undefined ? {} : { index: requireInteger(node, 'index', fileName, element) };
  const type = issueType(node);
  if (type === 'discrete') {
    const options = children(node, 'item').map((item) => {
      const value = attribute(item, 'value');
      if (value === undefined)
        throw new GeniusFormatError(fileName, `${element} ${describe('item', item)}`, 'missing attribute "value"');
      return value;
    });
    if (options.length === 0)
      throw new GeniusFormatError(fileName, element, 'a discrete issue needs at least one <item>');
    if (options.length > GENIUS_LIMITS.maxOptionsPerIssue)
      throw new GeniusFormatError(fileName, element, `more than ${GENIUS_LIMITS.maxOptionsPerIssue} items`);
    const duplicate = options.find((option, index) => options.indexOf(option) !== index);
    if (duplicate !== undefined)
      throw new GeniusFormatError(fileName, element, `item value "${duplicate}" appears twice`);
    return { name, type: 'discrete', options, ...index };
  }
  const range = child(node, 'range') ?? node;
  const lower = requireDecimal(range, 'lowerbound', fileName, element);
  const upper = requireDecimal(range, 'upperbound', fileName, element);
  if (compare(lower, upper) > 0) throw new GeniusFormatError(fileName, element, 'lowerbound is above upperbound');
  if (type === 'integer') {
    if (lower.den !== 1n || upper.den !== 1n)
      throw new GeniusFormatError(fileName, element, 'integer bounds must be integers');
    const count = upper.num - lower.num + 1n;
    if (count > BigInt(GENIUS_LIMITS.maxOptionsPerIssue))
      throw new GeniusFormatError(
        fileName,
        element,
        `${count} values; the limit is ${GENIUS_LIMITS.maxOptionsPerIssue}`,
      );
    const options = Array.from({ length: Number(count) }, (_, i) => (lower.num + BigInt(i)).toString());
    return { name, type: 'integer', options, lowerBound: lower, upperBound: upper, ...index };
  }
  if (type === 'real') {
    const stepsText = attribute(node, 'number_of_discretization_steps') ?? attribute(node, 'discretization');
    const steps =
      stepsText === undefined
        ? GENIUS_LIMITS.realDiscretisationSteps
        : requireInteger(
            node,
            stepsText === attribute(node, 'discretization') ? 'discretization' : 'number_of_discretization_steps',
            fileName,
            element,
          );
    if (steps < 1 || steps > GENIUS_LIMITS.maxOptionsPerIssue)
      throw new GeniusFormatError(fileName, element, `discretisation into ${steps} values is out of range`);
    const options = Array.from({ length: steps }, (_, i) =>
      toDecimalString(
        steps === 1 ? lower : add(lower, div(mul(sub(upper, lower), rational(BigInt(i))), rational(BigInt(steps - 1)))),
      ),
    );
    return { name, type: 'real', options, lowerBound: lower, upperBound: upper, ...index };
  }
  throw new GeniusFormatError(fileName, element, `unknown issue type "${type}"`);
}

/** Reads a GENIUS domain file (root `<negotiation_template>`, or a bare `<utility_space>` without evaluations). */
export function parseGeniusDomain(xml: string, fileName: string): OutcomeSpace {
  const { root, node } = parseXml(xml, fileName);
  let space: XmlNode | undefined;
  if (root === 'negotiation_template') space = child(node, 'utility_space');
  else
    throw new GeniusFormatError(
      fileName,
      `<${root}>`,
      'not a GENIUS domain file (expected root element <negotiation_template>)',
    );
  if (!space) throw new GeniusFormatError(fileName, '<negotiation_template>', 'missing <utility_space>');
  const objective = child(space, 'objective');
  if (!objective) throw new GeniusFormatError(fileName, '<utility_space>', 'missing <objective>');
  const issueNodes = collectIssues(objective);
  if (issueNodes.length === 0) throw new GeniusFormatError(fileName, '<objective>', 'the domain has no <issue>');
  if (issueNodes.length > GENIUS_LIMITS.maxIssues)
    throw new GeniusFormatError(fileName, '<objective>', `more than ${GENIUS_LIMITS.maxIssues} issues`);
  let totalOptions = 0;
  const issues = issueNodes.map((issueNode) => {
    const issue = readIssue(issueNode, fileName);
    totalOptions += issue.options.length;
    if (totalOptions > GENIUS_LIMITS.maxTotalOptions)
      throw new GeniusFormatError(
        fileName,
        describe('issue', issueNode),
        `the domain has more than ${GENIUS_LIMITS.maxTotalOptions} options in all`,
      );
    return issue;
  });
  const numbers = issues.flatMap((issue) => (issue.index === undefined ? [] : [issue.index]));
  const repeated = numbers.find((number, i) => numbers.indexOf(number) !== i);
  if (repeated !== undefined)
    throw new GeniusFormatError(fileName, `<issue index="${repeated}">`, 'issue index appears twice');
  const names = issues.map((issue) => issue.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined)
    throw new GeniusFormatError(fileName, `<issue name="${duplicate}">`, 'issue name appears twice');
  return { name: attribute(objective, 'name') ?? 'domain', issues };
}

/**
 * What kind of GENIUS file an XML text is, by its root element. Reads up to the root's start tag
 * only: faults further in are reported by `parseGeniusDomain` / `parseGeniusProfile`.
 */
export function geniusFileKind(xml: string, fileName: string): 'domain' | 'profile' {
  const { root } = parseXml(xml, fileName, true);
  if (root === 'negotiation_template') return 'domain';
  if (root === 'utility_space') return 'profile';
  throw new GeniusFormatError(
    fileName,
    `<${root}>`,
    'neither a GENIUS domain (<negotiation_template>) nor a profile (<utility_space>)',
  );
}

/** Finds the domain issue a profile's `<issue>` refers to: by index (as GENIUS does), checked against the name. */
function matchIssue(space: OutcomeSpace, issueIndexById: Map<string, number>, node: XmlNode, fileName: string): number {
  const element = describe('issue', node);
  const indexText = attribute(node, 'index');
  const name = attribute(node, 'name');
  let position = indexText === undefined ? undefined : issueIndexById.get(indexText.trim());
  if (position === undefined && name !== undefined) {
    const byName = space.issues.findIndex((issue) => issue.name === name);
    position = byName >= 0 ? byName : undefined;
  }
  if (position === undefined) throw new GeniusFormatError(fileName, element, 'refers to no issue of the domain');
  if (name !== undefined && space.issues[position]!.name !== name) {
    throw new GeniusFormatError(
      fileName,
      element,
      `index ${indexText} is the domain's issue "${space.issues[position]!.name}", not "${name}"`,
    );
  }
  return position;
}

/** The domain's issue numbers (its `index` attributes; the 1-based position when absent) to positions. */
function domainIssueIds(space: OutcomeSpace): Map<string, number> {
  return new Map(space.issues.map((issue, position) => [String(issue.index ?? position + 1), position]));
}

function clampUnit(value: Rational): Rational {
  return max(ZERO, min(ONE, value));
}

/**
 * Reads a GENIUS utility-space profile against its domain: an additive profile
 * (discrete evaluations divided by the issue's largest evaluation, integer
 * issues through their linear evaluator clamped to [0, 1]) or an ANAC 2014
 * nonlinear profile (hyper-rectangles). The reservation value defaults to 0.
 */
export function parseGeniusProfile(xml: string, fileName: string, space: OutcomeSpace, name = fileName): Preferences {
  const { root, node } = parseXml(xml, fileName);
  if (root !== 'utility_space') {
    throw new GeniusFormatError(fileName, `<${root}>`, 'not a GENIUS profile (expected root element <utility_space>)');
  }
  const reservationNode = child(node, 'reservation');
  const reservation = optionalDecimal(reservationNode, 'value', fileName, '<reservation>') ?? ZERO;
  const discountFactor = optionalDecimal(child(node, 'discount_factor'), 'value', fileName, '<discount_factor>');
  const objective = child(node, 'objective');
  if (!objective) throw new GeniusFormatError(fileName, '<utility_space>', 'missing <objective>');
  const nonlinear =
    (attribute(node, 'type') ?? '').toLowerCase() === 'nonlinear' || child(objective, 'utility') !== undefined;
  const utility = nonlinear
    ? readHyperRectangles(objective, space, fileName)
    : readAdditive(objective, space, fileName);
  return { name, utility, reservation, ...(discountFactor ? { discountFactor } : {}) };
}

function readAdditive(objective: XmlNode, space: OutcomeSpace, fileName: string): AdditiveUtility {
  const ids = domainIssueIds(space);
  const issueCount = space.issues.length;
  const evaluations: (Rational[] | undefined)[] = new Array(issueCount).fill(undefined);
  const rawEvaluations: (Rational[] | undefined)[] = new Array(issueCount).fill(undefined);
  const linearEvaluators: (LinearEvaluator | undefined)[] = new Array(issueCount).fill(undefined);
  const weights: (Rational | undefined)[] = new Array(issueCount).fill(undefined);
  const positionById = new Map<string, number>();
  for (const issueNode of collectIssues(objective)) {
    const position = matchIssue(space, ids, issueNode, fileName);
    const element = describe('issue', issueNode);
    if (evaluations[position]) throw new GeniusFormatError(fileName, element, 'issue evaluated twice');
    const indexText = attribute(issueNode, 'index');
    if (indexText !== undefined) positionById.set(indexText.trim(), position);
    const issue = space.issues[position]!;
    const evaluator = child(issueNode, 'evaluator');
    if (evaluator && issue.type !== 'discrete') {
      const ftype = (attribute(evaluator, 'ftype') ?? 'linear').toLowerCase();
      if (ftype !== 'linear')
        throw new GeniusFormatError(
          fileName,
          `${element} <evaluator>`,
          `evaluator type "${ftype}" is not supported (only linear)`,
        );
      const slope = requireDecimal(evaluator, 'slope', fileName, `${element} <evaluator>`);
      const offset = requireDecimal(evaluator, 'offset', fileName, `${element} <evaluator>`);
      linearEvaluators[position] = { slope, offset };
      // GENIUS EvaluatorInteger: slope × (x − lowerbound) + offset; EvaluatorReal: slope × x + offset. Both clamped to [0, 1].
      const origin = issue.type === 'integer' ? (issue.lowerBound ?? ZERO) : ZERO;
      evaluations[position] = issue.options.map((option) =>
        clampUnit(add(mul(slope, sub(parseDecimal(option)!, origin)), offset)),
      );
      continue;
    }
    const items = children(issueNode, 'item');
    if (items.length === 0) throw new GeniusFormatError(fileName, element, 'no <item> evaluations and no <evaluator>');
    const raw: (Rational | undefined)[] = new Array(issue.options.length).fill(undefined);
    for (const item of items) {
      const itemElement = `${element} ${describe('item', item)}`;
      const value = attribute(item, 'value');
      const option = value === undefined ? -1 : issue.options.indexOf(value);
      if (option < 0)
        throw new GeniusFormatError(
          fileName,
          itemElement,
          `value "${value ?? ''}" is not an option of the domain's issue "${issue.name}"`,
        );
      const evaluation = requireDecimal(item, 'evaluation', fileName, itemElement);
      if (evaluation.num < 0n) throw new GeniusFormatError(fileName, itemElement, 'evaluation is negative');
      raw[option] = evaluation;
    }
    const missing = raw.findIndex((value) => value === undefined);
    if (missing >= 0)
      throw new GeniusFormatError(fileName, element, `no evaluation for option "${issue.options[missing]}"`);
    const values = raw as Rational[];
    const largest = values.reduce((a, b) => max(a, b), ZERO);
    rawEvaluations[position] = values;
    // GENIUS EvaluatorDiscrete.normalize: every evaluation divided by the issue's largest.
    evaluations[position] = values.map((value) => (largest.num === 0n ? ZERO : div(value, largest)));
  }
  for (const weightNode of children(objective, 'weight')) {
    const element = describe('weight', weightNode);
    const indexText = attribute(weightNode, 'index')?.trim();
    const position = indexText === undefined ? undefined : (positionById.get(indexText) ?? ids.get(indexText));
    if (position === undefined) throw new GeniusFormatError(fileName, element, 'refers to no issue');
    const weight = requireDecimal(weightNode, 'value', fileName, element);
    if (weight.num < 0n) throw new GeniusFormatError(fileName, element, 'weight is negative');
    weights[position] = weight;
  }
  space.issues.forEach((issue, position) => {
    if (!evaluations[position])
      throw new GeniusFormatError(fileName, '<objective>', `no evaluation for issue "${issue.name}"`);
    if (!weights[position])
      throw new GeniusFormatError(fileName, '<objective>', `no <weight> for issue "${issue.name}"`);
  });
  const sum = (weights as Rational[]).reduce(add, ZERO);
  if (Math.abs(Number(sum.num) / Number(sum.den) - 1) > GENIUS_LIMITS.weightSumTolerance) {
    throw new GeniusFormatError(fileName, '<weight>', `issue weights sum to ${toDecimalString(sum, 8)}, not 1`);
  }
  return {
    kind: 'additive',
    weights: weights as Rational[],
    evaluations: evaluations as Rational[][],
    rawEvaluations,
    linearEvaluators,
  };
}

function readHyperRectangles(objective: XmlNode, space: OutcomeSpace, fileName: string): HyperRectangleUtility {
  const ids = domainIssueIds(space);
  const positionById = new Map<string, number>();
  for (const issueNode of collectIssues(objective)) {
    const position = matchIssue(space, ids, issueNode, fileName);
    const indexText = attribute(issueNode, 'index');
    if (indexText !== undefined) positionById.set(indexText.trim(), position);
  }
  const utilityNode = child(objective, 'utility');
  if (!utilityNode)
    throw new GeniusFormatError(fileName, '<objective>', 'a nonlinear profile needs a <utility> element');
  const maxUtility = requireDecimal(utilityNode, 'maxutility', fileName, '<utility>');
  if (maxUtility.num <= 0n) throw new GeniusFormatError(fileName, '<utility>', 'maxutility must be positive');
  const ufuns = children(utilityNode, 'ufun');
  if (ufuns.length !== 1)
    throw new GeniusFormatError(fileName, '<utility>', `expected one <ufun>, found ${ufuns.length}`);
  const ufun = ufuns[0]!;
  const aggregation = (attribute(ufun, 'aggregation') ?? 'sum').toLowerCase();
  const type = attribute(ufun, 'type') ?? 'PlainUfun';
  if (aggregation !== 'sum' || type !== 'PlainUfun') {
    throw new GeniusFormatError(
      fileName,
      '<ufun>',
      `only type="PlainUfun" aggregation="sum" is supported, not ${type}/${aggregation}`,
    );
  }
  const weight = optionalDecimal(ufun, 'weight', fileName, '<ufun>') ?? ONE;
  const rectangleNodes = children(ufun, 'hyperRectangle');
  if (rectangleNodes.length > GENIUS_LIMITS.maxRectangles)
    throw new GeniusFormatError(fileName, '<ufun>', `more than ${GENIUS_LIMITS.maxRectangles} hyperRectangles`);
  let work = 0;
  // Each issue's option values, parsed once for all the conditions on it.
  const optionValues = new Map<number, Rational[]>();
  const rectangles: HyperRectangle[] = rectangleNodes.map((rectangleNode, r) => {
    const element = `<hyperRectangle> #${r + 1}`;
    const utility = requireDecimal(rectangleNode, 'utility', fileName, element);
    const conditions: RectangleCondition[] = [];
    for (const [tag, inside] of [
      ['INCLUDES', true],
      ['EXCLUDES', false],
    ] as const) {
      for (const condition of children(rectangleNode, tag)) {
        const conditionElement = `${element} <${tag} index="${attribute(condition, 'index') ?? ''}">`;
        const indexText = attribute(condition, 'index')?.trim();
        const position = indexText === undefined ? undefined : (positionById.get(indexText) ?? ids.get(indexText));
        if (position === undefined) throw new GeniusFormatError(fileName, conditionElement, 'refers to no issue');
        const issue = space.issues[position]!;
        if (issue.type === 'discrete')
          throw new GeniusFormatError(
            fileName,
            conditionElement,
            `issue "${issue.name}" is discrete; ranges need an integer issue`,
          );
        work += issue.options.length;
        if (work > GENIUS_LIMITS.maxRectangleWork)
          throw new GeniusFormatError(
            fileName,
            conditionElement,
            'too many hyper-rectangle conditions for the size of the domain',
          );
        const low = requireDecimal(condition, 'min', fileName, conditionElement);
        const high = requireDecimal(condition, 'max', fileName, conditionElement);
        const options: number[] = [];
        let values = optionValues.get(position);
        if (!values) {
          values = issue.options.map((option) => parseDecimal(option)!);
          optionValues.set(position, values);
        }
        values.forEach((value, index) => {
          const within = compare(value, low) >= 0 && compare(value, high) <= 0;
          if (within === inside) options.push(index);
        });
        conditions.push({ issue: position, options });
      }
    }
    return { utility, conditions };
  });
  return { kind: 'hyperrectangle', maxUtility, weight, rectangles };
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function issueXml(issue: Issue, index: number, body: string): string {
  const bounds =
    issue.type === 'discrete'
      ? ''
      : ` lowerbound="${toDecimalString(issue.lowerBound!)}" upperbound="${toDecimalString(issue.upperBound!)}"`;
  const steps = issue.type === 'real' ? ` number_of_discretization_steps="${issue.options.length}"` : '';
  return `    <issue index="${index + 1}" name="${escapeAttribute(issue.name)}" type="${issue.type}" etype="${issue.type}" vtype="${issue.type}"${bounds}${steps}>\n${body}    </issue>\n`;
}

/** Writes a GENIUS domain file that `parseGeniusDomain` (and GENIUS) reads back to the same outcome space. */
export function writeGeniusDomain(space: OutcomeSpace): string {
  const issues = space.issues
    .map((issue, index) =>
      issueXml(
        issue,
        index,
        issue.type === 'discrete'
          ? issue.options
              .map((option, i) => `      <item index="${i + 1}" value="${escapeAttribute(option)}"/>\n`)
              .join('')
          : '',
      ),
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<negotiation_template>\n  <utility_space number_of_issues="${space.issues.length}">\n  <objective index="0" etype="objective" type="objective" name="${escapeAttribute(space.name)}">\n${issues}  </objective>\n  </utility_space>\n</negotiation_template>\n`;
}

/** True when a rational is a finite decimal: its denominator has no prime factor but 2 and 5. */
export function isDecimal(value: Rational): boolean {
  let den = value.den;
  while (den % 2n === 0n) den /= 2n;
  while (den % 5n === 0n) den /= 5n;
  return den === 1n;
}

/** The exact decimal text of a finite decimal (`isDecimal` must hold): 2^a × 5^b needs max(a, b) ≤ its bit length digits. */
function exactDecimal(value: Rational): string {
  return toDecimalString(value, value.den.toString(2).length);
}

/** A number a GENIUS file must hold as a decimal: written exactly, or refused naming what cannot be written. */
function decimalOrRefuse(value: Rational, party: string, what: string): string {
  if (!isDecimal(value))
    throw new RangeError(
      `${party}: ${what} is ${value.num}/${value.den}, which has no exact decimal form, and a GENIUS file holds decimals only; round it to a decimal first`,
    );
  return exactDecimal(value);
}

/**
 * Numbers a GENIUS file divides by their largest (a discrete issue's evaluations, the rectangles'
 * utilities over `maxutility`), written so that the quotients are exact: as they are when every one
 * is a decimal, else as integers over their common denominator.
 */
function commonScale(values: readonly Rational[]): { scale: bigint } {
  return { scale: values.every(isDecimal) ? 0n : values.reduce((l, value) => lcm(l, value.den), 1n) };
}

function scaled(value: Rational, scale: bigint): string {
  return scale === 0n ? exactDecimal(value) : String((value.num * scale) / value.den);
}

/**
 * Writes a GENIUS profile for a party; reading it back gives exactly the same utilities and reservation
 * value. A discrete issue whose evaluations are not all decimals (scores like 5/9) is written with integer
 * evaluations over their common denominator, which GENIUS divides by the largest; a rectangle utility the
 * same way over `maxutility`. A weight, a linear evaluator, a reservation value or a discount factor that has
 * no exact decimal form cannot be written: a RangeError names it (a weight of an issue every option of which
 * is worth 0 is written rounded, as it counts for nothing).
 */
export function writeGeniusProfile(space: OutcomeSpace, preferences: Preferences): string {
  const utility = preferences.utility;
  const who = `profile "${preferences.name}"`;
  const tail =
    (preferences.discountFactor
      ? `  <discount_factor value="${decimalOrRefuse(preferences.discountFactor, who, 'the discount factor')}"/>\n`
      : '') + `  <reservation value="${decimalOrRefuse(preferences.reservation, who, 'the reservation value')}"/>\n`;
  const header = `<?xml version="1.0" encoding="UTF-8"?>\n`;
  if (utility.kind === 'hyperrectangle') {
    const issues = space.issues.map((issue, index) => issueXml(issue, index, '')).join('');
    const { scale } = commonScale([utility.maxUtility, ...utility.rectangles.map((rectangle) => rectangle.utility)]);
    const rectangles = utility.rectangles
      .map((rectangle) => {
        const conditions = rectangle.conditions
          .map((condition) => {
            const issue = space.issues[condition.issue]!;
            const inside = [...condition.options].sort((a, b) => a - b);
            const outside = issue.options.map((_, o) => o).filter((o) => !inside.includes(o));
            const contiguous = (list: number[]) =>
              list.length > 0 && list[list.length - 1]! - list[0]! === list.length - 1;
            // GENIUS ranges are contiguous: INCLUDES [min, max], or EXCLUDES [min, max] for the complement.
            const [tag, range] = contiguous(inside)
              ? ['INCLUDES', inside]
              : contiguous(outside)
                ? ['EXCLUDES', outside]
                : [undefined, []];
            if (!tag) throw new RangeError(`a hyper-rectangle condition on issue "${issue.name}" is not a range`);
            return `        <${tag} index="${condition.issue + 1}" min="${issue.options[range[0]!]}" max="${issue.options[range[range.length - 1]!]}"/>\n`;
          })
          .join('');
        return `      <hyperRectangle utility="${scaled(rectangle.utility, scale)}">\n${conditions}      </hyperRectangle>\n`;
      })
      .join('');
    return `${header}<utility_space type="nonlinear">\n  <objective index="0" etype="objective" type="objective" name="${escapeAttribute(space.name)}">\n${issues}  <utility maxutility="${scaled(utility.maxUtility, scale)}">\n    <ufun type="PlainUfun" weight="${decimalOrRefuse(utility.weight, who, 'the weight of its rectangles')}" aggregation="sum">\n${rectangles}    </ufun>\n  </utility>\n  </objective>\n${tail}</utility_space>\n`;
  }
  const issues = space.issues
    .map((issue, index) => {
      const linear = utility.linearEvaluators?.[index];
      if (issue.type !== 'discrete') {
        if (!linear) throw new RangeError(`issue "${issue.name}" has no linear evaluator to write`);
        const slope = decimalOrRefuse(linear.slope, who, `the slope of issue "${issue.name}"`);
        const offset = decimalOrRefuse(linear.offset, who, `the offset of issue "${issue.name}"`);
        return issueXml(issue, index, `      <evaluator ftype="linear" slope="${slope}" offset="${offset}"/>\n`);
      }
      const raw = utility.rawEvaluations?.[index];
      const normalised = utility.evaluations[index]!;
      // GENIUS divides by the issue's largest evaluation when reading; only normalised evaluations survive that unchanged.
      const largest = normalised.reduce((a, b) => max(a, b), ZERO);
      if (!raw && largest.num !== 0n && compare(largest, ONE) !== 0)
        throw new RangeError(`evaluations of issue "${issue.name}" are not normalised (the largest must be 1)`);
      // Raw evaluations as read when they are decimals (a file read and written stays the same), else integers.
      const evaluations = raw && raw.every(isDecimal) ? raw : normalised;
      const { scale } = commonScale(evaluations);
      return issueXml(
        issue,
        index,
        issue.options
          .map(
            (option, i) =>
              `      <item index="${i + 1}" value="${escapeAttribute(option)}" evaluation="${scaled(evaluations[i]!, scale)}"/>\n`,
          )
          .join(''),
      );
    })
    .join('');
  const weights = utility.weights
    .map((weight, index) => {
      const idle = utility.evaluations[index]!.every((evaluation) => evaluation.num === 0n);
      const value =
        idle && !isDecimal(weight)
          ? toDecimalString(weight, 20)
          : decimalOrRefuse(weight, who, `the weight of issue "${space.issues[index]!.name}"`);
      return `    <weight index="${index + 1}" value="${value}"/>\n`;
    })
    .join('');
  return `${header}<utility_space>\n  <objective index="0" etype="objective" type="objective" name="${escapeAttribute(space.name)}">\n${issues}${weights}  </objective>\n${tail}</utility_space>\n`;
}
