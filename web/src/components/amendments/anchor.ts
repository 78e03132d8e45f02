import type { Point } from '../../api/queries';
import type { Schemas } from '../../api/client';
import { splitPlaceholders } from '../BracketedPointText';

export type Amendment = Schemas['Amendment'];
export type AmendmentChange = Schemas['AmendmentChange'];
export type Field = 'text' | 'title';

/** A span of a point's raw field (placeholders `[[bracket-id]]` included), as an amendment anchors it. */
export interface Anchor {
  pointId: string;
  field: Field;
  start: number;
  end: number;
  quote: string;
}

/** What a selection on the text page amounts to: a span to amend, or why it cannot be one. */
export type Captured = { anchor: Anchor } | { refusal: string };

/** The characters of context kept on each side of an insertion, to find the place again. */
const CONTEXT = 32;

const elementOf = (node: Node): Element | null => (node instanceof Element ? node : node.parentElement);

/** Characters of `root`'s text before the boundary (node, offset), as the page shows them. */
function shownOffset(root: Node, node: Node, offset: number): number {
  const range = root.ownerDocument!.createRange();
  range.setStart(root, 0);
  range.setEnd(node, offset);
  return range.toString().length;
}

/**
 * Where a boundary of the selection stands in the point's raw text. The paragraph shows the text's
 * pieces one child each (a text node for words, an element for an open bracket): a boundary inside
 * a bracket has no place in the raw text, and is refused.
 */
function rawOffset(
  paragraph: Element,
  starts: number[],
  isBracket: boolean[],
  total: number,
  node: Node,
  offset: number,
): number | 'bracket' | null {
  if (node === paragraph) return offset < starts.length ? starts[offset]! : total;
  let child: Node = node;
  while (child.parentNode && child.parentNode !== paragraph) child = child.parentNode;
  const index = Array.prototype.indexOf.call(paragraph.childNodes, child) as number;
  if (index < 0) return null;
  if (isBracket[index]) return 'bracket';
  return starts[index]! + (node === child ? offset : 0);
}

const SELECT_WITHIN = 'Select words within one point’s text or within its title.';

/**
 * The span of a point a selection on the text page covers, mapped to the raw text (the page shows a
 * bracket's alternatives where the text holds its placeholder), or a refusal saying why it cannot be
 * amended as selected; null when the selection is not in a point's wording at all.
 */
export function anchorFromSelection(selection: Selection | null, points: readonly Point[]): Captured | null {
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const startItem = elementOf(range.startContainer)?.closest('li[data-point]');
  const endItem = elementOf(range.endContainer)?.closest('li[data-point]');
  if (!startItem && !endItem) return null;
  if (startItem !== endItem) return { refusal: `The selection runs across points. ${SELECT_WITHIN}` };
  const point = points.find((p) => p.id === startItem!.getAttribute('data-point'));
  if (!point) return null;
  const title = startItem!.querySelector('.point-head h3');
  const paragraph = startItem!.querySelector('p.point-text');
  const inside = (holder: Element | null) =>
    !!holder && holder.contains(range.startContainer) && holder.contains(range.endContainer);
  const touches = (holder: Element | null) =>
    !!holder && (holder.contains(range.startContainer) || holder.contains(range.endContainer));

  if (inside(title)) {
    const prefix = `${point.number}. `.length;
    const at = (node: Node, offset: number) =>
      Math.min(point.title.length, Math.max(0, shownOffset(title!, node, offset) - prefix));
    const start = at(range.startContainer, range.startOffset);
    const end = at(range.endContainer, range.endOffset);
    if (end <= start) return { refusal: `Select some words of point ${point.number}’s title.` };
    return { anchor: { pointId: point.id, field: 'title', start, end, quote: point.title.slice(start, end) } };
  }
  if (inside(paragraph)) {
    const brackets = new Set(point.brackets.map((b) => b.id));
    const pieces = splitPlaceholders(point.text, brackets);
    if (paragraph!.childNodes.length !== pieces.length)
      return { refusal: `Point ${point.number}’s text cannot be selected here; use the form instead.` };
    const starts: number[] = [];
    const isBracket: boolean[] = [];
    let at = 0;
    for (const piece of pieces) {
      starts.push(at);
      isBracket.push('bracketId' in piece);
      at += 'text' in piece ? piece.text.length : piece.bracketId.length + 4;
    }
    const start = rawOffset(paragraph!, starts, isBracket, at, range.startContainer, range.startOffset);
    const end = rawOffset(paragraph!, starts, isBracket, at, range.endContainer, range.endOffset);
    const crossing = isBracket.some((bracket, i) =>
      bracket && typeof start === 'number' && typeof end === 'number' ? starts[i]! >= start && starts[i]! < end : false,
    );
    if (start === 'bracket' || end === 'bracket' || crossing)
      return {
        refusal: `The selection reaches into an open bracket of point ${point.number}. An amendment changes the words around a bracket, not its alternatives (a bracket is closed by choosing one): select words before or after it.`,
      };
    if (start === null || end === null || end <= start) return { refusal: SELECT_WITHIN };
    return { anchor: { pointId: point.id, field: 'text', start, end, quote: point.text.slice(start, end) } };
  }
  if (touches(title) || touches(paragraph))
    return { refusal: `The selection runs beyond the point’s wording. ${SELECT_WITHIN}` };
  return null;
}

/** Every place `quote` stands in `value`. */
export function occurrences(value: string, quote: string): number[] {
  const found: number[] = [];
  if (!quote) return found;
  for (let i = value.indexOf(quote); i !== -1; i = value.indexOf(quote, i + 1)) found.push(i);
  return found;
}

export type SpanKind = 'replace' | 'insertBefore' | 'insertAfter' | 'delete';

/** The change a span and a kind make; an insertion keeps the characters around it to find its place again. */
export function spanChange(anchor: Anchor, kind: SpanKind, raw: string, text: string): AmendmentChange {
  const { pointId, field, start, end, quote } = anchor;
  if (kind === 'replace') return { kind: 'replace', pointId, field, start, end, quote, text };
  if (kind === 'delete') return { kind: 'delete', pointId, field, start, end, quote };
  const at = kind === 'insertBefore' ? start : end;
  return {
    kind: 'insert',
    pointId,
    field,
    at,
    before: raw.slice(Math.max(0, at - CONTEXT), at),
    after: raw.slice(at, at + CONTEXT),
    text,
  };
}

const quoted = (words: string) => `“${words.length > 80 ? `${words.slice(0, 80)}…` : words}”`;

/** An amendment's change in words, naming points by number: “Point 4 (text): replace “…” with “…””. */
export function describeChange(change: AmendmentChange, points: readonly Point[]): string {
  const number = (pointId: string | null) => points.find((p) => p.id === pointId)?.number;
  if (change.kind === 'addPoint')
    return `Add a point ${change.afterPointId === null ? 'first' : `after point ${number(change.afterPointId) ?? '(gone)'}`}: ${quoted(change.title)} — ${quoted(change.text)}`;
  const where = `Point ${number(change.pointId) ?? '(gone)'}`;
  if (change.kind === 'deletePoint') return `${where}: delete the point (${quoted(change.quote)})`;
  const field = change.field === 'title' ? 'title' : 'text';
  if (change.kind === 'replace')
    return `${where} (${field}): replace ${quoted(change.quote)} with ${quoted(change.text)}`;
  if (change.kind === 'delete') return `${where} (${field}): delete ${quoted(change.quote)}`;
  const place = change.after
    ? `before ${quoted(change.after.slice(0, 24))}`
    : `after ${quoted((change.before ?? '').slice(-24))}`;
  return `${where} (${field}): insert ${quoted(change.text)} ${place}`;
}

/** What an amendment's state means, in words, for the party that proposed it or the pen-holder. */
export function stateInWords(amendment: Amendment, versionLabel: (id: string) => string): string {
  switch (amendment.state) {
    case 'draft':
      return `draft, internal to ${amendment.partyName}`;
    case 'tabled':
      return amendment.tabledTo === 'table' ? 'tabled to the table' : 'tabled to the mediators';
    case 'accepted':
      return amendment.decision?.proposedChange ? 'accepted with changes' : 'accepted';
    case 'rejected':
      return 'rejected';
    case 'orphaned':
      return `orphaned: ${amendment.orphanedReason ?? 'its place is gone from the new text'}`;
    case 'withdrawn':
      return 'withdrawn';
    case 'consolidated':
      return amendment.consolidatedIn
        ? `consolidated into ${versionLabel(amendment.consolidatedIn)}`
        : 'consolidated into a new version';
  }
}

/** Which form field an API problem's `field` (e.g. `body.change.quote`, `justification`) is about. */
export function formFieldOf(
  field: string | undefined,
): 'quote' | 'text' | 'title' | 'justification' | 'point' | 'note' | 'label' | 'summary' | null {
  if (!field) return null;
  const last = field.split('.').pop()!;
  if (['quote', 'start', 'end', 'at', 'before', 'after', 'field'].includes(last)) return 'quote';
  if (last === 'text') return 'text';
  if (last === 'title') return 'title';
  if (last === 'justification') return 'justification';
  if (last === 'pointId' || last === 'afterPointId') return 'point';
  if (last === 'note') return 'note';
  if (last === 'label') return 'label';
  if (last === 'summary') return 'summary';
  return null;
}
