/**
 * Akoma Ntoso 3.0 (OASIS LegalDocML): a version out as an AKN document, and an AKN act, bill or
 * doc in as points.
 *
 * The export is a `doc name="agreement"`: a draft treaty is neither an `act` (enacted law) nor a
 * `bill` (a draft before a legislature, with sponsors and readings); AKN's generic `doc` with its
 * `name` saying what it is, and a `mainBody` of `article`s, is what a treaty text under negotiation
 * is. When the reader may see amendments to the version, the file is a `documentCollection` whose
 * components are the text and one AKN `amendment` document per amendment (an `akomaNtoso` holds one
 * document; eIds are unique across the whole collection, so only the text carries `references`).
 *
 * - Identity: FRBR Work = the negotiation's agreement (`/akn/int/doc/agreement/<negotiation>`), one
 *   Expression per version and language (`…/<lang>@<version>`, `FRBRlanguage` and `xml:lang` from the
 *   language asked for), the Manifestation this file. `int`: a treaty belongs to no one country.
 * - Points are `article`s whose `eId`/`wId` come from the point's stable id (`art_<id>`), never its
 *   number, so a link to an article survives renumbering; `num` is the number, `heading` the title.
 * - Brackets: AKN has no bracket element; a bracket is `<inline name="bracket">` holding one
 *   `<inline name="alternative">` per alternative, `refersTo` the parties that put it forward.
 * - Parties, the mediators, the people named in the workflow and the tracks are TLC references;
 *   a point negotiated in a track `refersTo` the track. Points withheld from the reader keep their
 *   number only (`class="withheld"`), as in every other view.
 * - The approval chain and transmissions are `workflow` `step`s; where the text stands is the
 *   preface's `docStatus` and a `proprietary` `parley:status`.
 *
 * Export → import → export gives the same bytes: the import reads back every point field the export
 * writes (id, number, title, text, bracket ids, alternatives and who proposed them, track).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { invalid } from '../core/errors.ts';
import { findPlaceholders } from '../core/document.ts';
import type { Bracket, Id, Point } from '../core/model.ts';
import type { ExportAmendment, ExportInput, RecognisedText, WorkflowStep } from './types.ts';

export const AKN_NAMESPACE = 'http://docs.oasis-open.org/legaldocml/ns/akn/3.0';
/** Parley's own metadata inside `proprietary` (and notes on workflow steps). */
export const PARLEY_AKN_NAMESPACE = 'https://parley.example.org/ns/akn/1';
export const AKN_MEDIA_TYPE = 'application/akn+xml';

// ---------------------------------------------------------------------------------------------
// Ids: a Parley id inside an eId. Ids may hold `_`; AKN eIds use `__` between levels. Each `_` of
// an id is written `_.`, so an encoded id never holds `__`: eIds stay unique and read back exactly.

const encodeId = (id: string) => id.replace(/_/g, '_.');
function decodeId(encoded: string): string | null {
  if (/_(?!\.)/.test(encoded)) return null;
  return encoded.replace(/_\./g, '_');
}
const ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;
const RESERVED_IDS = new Set(['prototype', ...Object.getOwnPropertyNames(Object.prototype)]);
const validId = (id: string | null): id is string => id !== null && ID_PATTERN.test(id) && !RESERVED_IDS.has(id);

const articleEId = (pointId: Id) => `art_${encodeId(pointId)}`;
const bracketEId = (pointId: Id, bracketId: Id) => `${articleEId(pointId)}__brk_${encodeId(bracketId)}`;
const partyEId = (partyId: Id) => `party_${encodeId(partyId)}`;
const trackEId = (trackId: Id) => `track_${encodeId(trackId)}`;
const amendmentEId = (amendmentId: Id) => `amd_${encodeId(amendmentId)}`;

/** Three-letter ISO 639-2 codes of the languages a treaty is most often in, for FRBR URIs (AKN naming convention). */
const ISO_639_2: Record<string, string> = {
  ar: 'ara',
  de: 'deu',
  en: 'eng',
  es: 'spa',
  fr: 'fra',
  it: 'ita',
  ja: 'jpn',
  ko: 'kor',
  nl: 'nld',
  pl: 'pol',
  pt: 'por',
  ru: 'rus',
  tr: 'tur',
  uk: 'ukr',
  zh: 'zho',
};
/** The language part of an FRBR URI: ISO 639-2 where known (`uk` → `ukr`), the BCP 47 tag otherwise. */
function uriLanguage(lang: string): string {
  const [primary, ...rest] = lang.split('-');
  const three = Object.hasOwn(ISO_639_2, primary!) ? ISO_639_2[primary!] : undefined;
  return three ? [three, ...rest].join('-') : lang;
}

// ---------------------------------------------------------------------------------------------
// Writing XML.

/** Characters XML 1.0 cannot carry, even as references: written as U+FFFD. */
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function escapeText(s: string): string {
  return s
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}
function escapeAttribute(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

type Attributes = Record<string, string | null | undefined>;
function attributes(attrs: Attributes): string {
  return Object.entries(attrs)
    .filter((entry): entry is [string, string] => entry[1] !== null && entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`)
    .join('');
}

/** An element with element content, one child per line, indented; empty children are dropped. */
function block(name: string, attrs: Attributes, children: (string | null)[], indent: string): string {
  const inner = children.filter((c): c is string => c !== null && c !== '');
  if (inner.length === 0) return `${indent}<${name}${attributes(attrs)}/>`;
  return `${indent}<${name}${attributes(attrs)}>\n${inner.join('\n')}\n${indent}</${name}>`;
}
/** An element with mixed content on one line: `content` is already XML. */
function inline(name: string, attrs: Attributes, content: string): string {
  return content === '' ? `<${name}${attributes(attrs)}/>` : `<${name}${attributes(attrs)}>${content}</${name}>`;
}
const empty = (name: string, attrs: Attributes, indent: string) => `${indent}<${name}${attributes(attrs)}/>`;

/** An ISO-8601 time as XSD's date or dateTime (what AKN's `date` attributes take), or null. */
function xsdDate(at: string): string | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(at)) return at;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.test(at)) return at;
  const time = Date.parse(at);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
const dayOf = (at: string) => (xsdDate(at) ?? '1970-01-01').slice(0, 10);

// ---------------------------------------------------------------------------------------------
// Export.

interface Names {
  party(id: Id): string;
  track(id: Id): string;
}

/** A point's text as `p`s (one per line), each bracket an `inline` with its alternatives. */
function pointContent(point: Point, partyRef: (id: Id) => string): string {
  const brackets = new Map(point.brackets.map((b) => [b.id, b]));
  const paragraphs = [''];
  const addText = (text: string) => {
    const lines = text.split('\n');
    paragraphs[paragraphs.length - 1] += escapeText(lines[0]!);
    for (const line of lines.slice(1)) paragraphs.push(escapeText(line));
  };
  let at = 0;
  const used = new Set<Id>();
  for (const placeholder of findPlaceholders(point.text)) {
    // A bracket stands once; a placeholder without its bracket (or a second one) stays as text.
    if (!brackets.has(placeholder.id) || used.has(placeholder.id)) continue;
    used.add(placeholder.id);
    addText(point.text.slice(at, placeholder.start));
    paragraphs[paragraphs.length - 1] += bracketXml(point.id, brackets.get(placeholder.id)!, partyRef);
    at = placeholder.end;
  }
  addText(point.text.slice(at));
  return paragraphs.map((line) => inline('p', {}, line)).join('');
}

function bracketXml(pointId: Id, bracket: Bracket, partyRef: (id: Id) => string): string {
  const eId = bracketEId(pointId, bracket.id);
  const alternatives = bracket.alternatives
    .map((alternative, index) =>
      inline(
        'inline',
        {
          name: 'alternative',
          eId: `${eId}__alt_${index + 1}`,
          wId: `${eId}__alt_${index + 1}`,
          refersTo: alternative.proposedBy.length > 0 ? alternative.proposedBy.map(partyRef).join(' ') : null,
        },
        escapeText(alternative.text),
      ),
    )
    .join('');
  return inline('inline', { name: 'bracket', eId, wId: eId }, alternatives);
}

function articleXml(point: Point, names: Names, indent: string): string {
  const eId = articleEId(point.id);
  const partyRef = (id: Id) => `#${partyEId(id)}`;
  const inner = `${indent}  `;
  return block(
    'article',
    { eId, wId: eId, refersTo: point.trackId ? `#${trackEId(point.trackId)}` : null },
    [
      `${inner}${inline('num', {}, String(point.number))}`,
      point.title === '' ? null : `${inner}${inline('heading', {}, escapeText(point.title))}`,
      `${inner}${inline('content', {}, pointContent(point, partyRef))}`,
    ],
    indent,
  );
}

function withheldXml(number: number, note: string, indent: string): string {
  const eId = `withheld_${number}`;
  return block(
    'article',
    { eId, wId: eId, class: 'withheld', status: 'incomplete' },
    [
      `${indent}  ${inline('num', {}, String(number))}`,
      `${indent}  ${inline('content', {}, inline('p', {}, escapeText(note)))}`,
    ],
    indent,
  );
}

const STEP_WORDS: Record<WorkflowStep['kind'], string> = {
  written: 'Written',
  approved: 'Approved',
  rejected: 'Rejected',
  sent_back: 'Sent back for revision',
  transmitted: 'Transmitted',
  agreed: 'Agreed ad referendum',
};

interface Uris {
  work: string;
  expression: string;
  manifestation: string;
}

function frbr(
  uris: Uris,
  opts: {
    date: string;
    dateName: string;
    /** The work's authors: the parties whose agreement it is (the mediators when none is named). */
    workAuthors: string[];
    /** This expression's author: the party (or the mediators) that wrote the version. */
    author: string;
    generatedAt: string;
    lang: string;
    version: string;
    authoritative: boolean;
    number: string;
    name: string;
  },
  indent: string,
): string {
  const i1 = `${indent}  `;
  const i2 = `${indent}    `;
  return block(
    'identification',
    { source: '#parley' },
    [
      block(
        'FRBRWork',
        {},
        [
          empty('FRBRthis', { value: `${uris.work}/!main` }, i2),
          empty('FRBRuri', { value: uris.work }, i2),
          empty('FRBRdate', { date: opts.date, name: opts.dateName }, i2),
          ...(opts.workAuthors.length > 0 ? opts.workAuthors : ['#mediators']).map((href) =>
            empty('FRBRauthor', { href }, i2),
          ),
          empty('FRBRcountry', { value: 'int' }, i2),
          empty('FRBRnumber', { value: opts.number }, i2),
          empty('FRBRname', { value: opts.name }, i2),
        ],
        i1,
      ),
      block(
        'FRBRExpression',
        {},
        [
          empty('FRBRthis', { value: `${uris.expression}/!main` }, i2),
          empty('FRBRuri', { value: uris.expression }, i2),
          empty('FRBRdate', { date: opts.date, name: opts.dateName }, i2),
          empty('FRBRauthor', { href: opts.author }, i2),
          empty('FRBRversionNumber', { value: opts.version }, i2),
          empty('FRBRauthoritative', { value: String(opts.authoritative) }, i2),
          empty('FRBRlanguage', { language: opts.lang }, i2),
        ],
        i1,
      ),
      block(
        'FRBRManifestation',
        {},
        [
          empty('FRBRthis', { value: `${uris.manifestation}/!main.xml` }, i2),
          empty('FRBRuri', { value: `${uris.manifestation}.akn` }, i2),
          empty('FRBRdate', { date: opts.generatedAt, name: 'generation' }, i2),
          empty('FRBRauthor', { href: '#parley' }, i2),
          empty('FRBRformat', { value: AKN_MEDIA_TYPE }, i2),
        ],
        i1,
      ),
    ],
    indent,
  );
}

/** Whether the text in `lang` is authentic: listed as such, or the drafting language when none is listed. */
function authoritative(input: ExportInput): boolean {
  const { authentic, drafting } = input.languages;
  return authentic.length > 0 ? authentic.includes(input.lang) : input.lang === drafting;
}

/** The parties at the table (not coalitions, which act through them): the authors of the agreement. */
const tableAuthors = (input: ExportInput) =>
  input.parties.filter((p) => p.kind === 'party').map((p) => `#${partyEId(p.id)}`);

const textWork = (input: ExportInput) => `/akn/int/doc/agreement/${encodeURIComponent(input.negotiation.id)}`;
const textExpression = (input: ExportInput) =>
  `${textWork(input)}/${uriLanguage(input.lang)}@${encodeURIComponent(input.version.id)}`;

function textDocument(input: ExportInput, indent: string): string {
  const { negotiation, version, lang } = input;
  const base = textWork(input);
  const expression = textExpression(input);
  const uris = { work: base, expression, manifestation: expression };
  const partyName = new Map(input.parties.map((p) => [p.id, p.name]));
  const trackName = new Map(input.tracks.map((t) => [t.id, t.name]));
  const names: Names = {
    party: (id) => partyName.get(id) ?? id,
    track: (id) => trackName.get(id) ?? id,
  };
  const author = version.authorPartyId ? `#${partyEId(version.authorPartyId)}` : '#mediators';
  const versionDate = dayOf(version.createdAt);
  const generatedAt = xsdDate(input.generatedAt) ?? `${versionDate}`;
  const i1 = `${indent}  `;
  const i2 = `${indent}    `;
  const i3 = `${indent}      `;

  // References: the tool, the mediators, every party named anywhere, the people of the workflow, the tracks.
  const partyIds = new Set<Id>(input.parties.map((p) => p.id));
  if (version.authorPartyId) partyIds.add(version.authorPartyId);
  for (const point of version.points)
    for (const bracket of point.brackets)
      for (const a of bracket.alternatives) for (const id of a.proposedBy) partyIds.add(id);
  for (const step of input.workflow) if (step.partyId) partyIds.add(step.partyId);
  for (const amendment of input.amendments) partyIds.add(amendment.partyId);
  const trackIds = new Set<Id>(input.tracks.map((t) => t.id));
  for (const point of version.points) if (point.trackId) trackIds.add(point.trackId);
  const people = [...new Set(input.workflow.map((s) => s.actor).filter((a): a is string => !!a))];
  const personEId = (name: string) => `person_${people.indexOf(name) + 1}`;
  const stepKinds = [...new Set(input.workflow.map((s) => s.kind))];

  const references = block(
    'references',
    { source: '#parley' },
    [
      empty('TLCOrganization', { eId: 'parley', href: '/ontology/organization/parley', showAs: 'Parley' }, i3),
      empty(
        'TLCOrganization',
        {
          eId: 'mediators',
          href: `/ontology/organization/parley/${encodeURIComponent(negotiation.id)}/mediators`,
          showAs: 'The mediators',
        },
        i3,
      ),
      ...[...partyIds].map((id) =>
        empty(
          'TLCOrganization',
          {
            eId: partyEId(id),
            href: `/ontology/organization/parley/${encodeURIComponent(negotiation.id)}/${encodeURIComponent(id)}`,
            showAs: names.party(id),
          },
          i3,
        ),
      ),
      ...people.map((name, index) =>
        empty(
          'TLCPerson',
          {
            eId: personEId(name),
            href: `/ontology/person/parley/${encodeURIComponent(negotiation.id)}/${index + 1}`,
            showAs: name,
          },
          i3,
        ),
      ),
      ...[...trackIds].map((id) =>
        empty(
          'TLCConcept',
          {
            eId: trackEId(id),
            href: `/ontology/concept/parley/track/${encodeURIComponent(id)}`,
            showAs: names.track(id),
          },
          i3,
        ),
      ),
      ...stepKinds.map((kind) =>
        empty(
          'TLCConcept',
          { eId: `step_${kind}`, href: `/ontology/concept/parley/step/${kind}`, showAs: STEP_WORDS[kind] },
          i3,
        ),
      ),
    ],
    i2,
  );

  const workflow =
    input.workflow.length === 0
      ? null
      : block(
          'workflow',
          { source: '#parley' },
          input.workflow.map((step) => {
            const party = step.partyId ? `#${partyEId(step.partyId)}` : '#mediators';
            const attrs = {
              date: xsdDate(step.at) ?? generatedAt,
              by: step.actor ? `#${personEId(step.actor)}` : party,
              refersTo: party,
              outcome: `#step_${step.kind}`,
            };
            if (step.note === '') return empty('step', attrs, i3);
            return `${i3}${inline('step', attrs, inline('parley:note', {}, escapeText(step.note)))}`;
          }),
          i2,
        );

  const proprietary = block(
    'proprietary',
    { source: '#parley' },
    [
      empty(
        'parley:status',
        { label: input.status.label, agreed: String(input.status.agreed), obstacles: input.status.obstacles },
        i3,
      ),
      empty(
        'parley:languages',
        {
          drafting: input.languages.drafting,
          all: input.languages.all.join(' '),
          authentic: input.languages.authentic.join(' '),
          prevailing: input.languages.prevailing,
        },
        i3,
      ),
      ...input.languageBehind
        .filter((b) => b.behind.length > 0 && version.points.some((p) => p.id === b.pointId))
        .map((b) =>
          empty('parley:behind', { refersTo: `#${articleEId(b.pointId)}`, languages: b.behind.join(' ') }, i3),
        ),
    ],
    i2,
  );

  const meta = block(
    'meta',
    {},
    [
      frbr(
        uris,
        {
          date: versionDate,
          dateName: 'version',
          workAuthors: tableAuthors(input),
          author,
          generatedAt,
          lang,
          version: version.id,
          authoritative: authoritative(input),
          number: negotiation.id,
          name: negotiation.title,
        },
        i2,
      ),
      workflow,
      references,
      proprietary,
    ],
    i1,
  );

  const preface = block(
    'preface',
    { 'xml:lang': lang },
    [
      `${i2}${inline('p', { class: 'title' }, inline('docTitle', {}, escapeText(negotiation.title)))}`,
      `${i2}${inline('p', { class: 'version' }, inline('docNumber', {}, escapeText(version.label)))}`,
      version.summary === '' ? null : `${i2}${inline('p', { class: 'summary' }, escapeText(version.summary))}`,
      `${i2}${inline('p', { class: 'date' }, inline('docDate', { date: versionDate }, versionDate))}`,
      `${i2}${inline(
        'p',
        { class: 'proponent' },
        inline(
          'docProponent',
          { refersTo: author },
          escapeText(version.authorPartyId ? names.party(version.authorPartyId) : 'The mediators'),
        ),
      )}`,
      `${i2}${inline('p', { class: 'status' }, inline('docStatus', {}, escapeText(input.status.label)))}`,
    ],
    i1,
  );

  const withheld = version.separateFormat?.pointNumbers ?? [];
  const entries: ({ point: Point; number: number } | { number: number })[] = [
    ...version.points.map((point) => ({ point, number: point.number })),
    ...withheld.map((number) => ({ number })),
  ].sort((a, b) => a.number - b.number);
  const mainBody = block(
    'mainBody',
    { 'xml:lang': lang },
    entries.map((entry) =>
      'point' in entry
        ? articleXml(entry.point, names, i2)
        : withheldXml(entry.number, version.separateFormat?.note ?? 'Negotiated in a separate format', i2),
    ),
    i1,
  );
  return block('doc', { name: 'agreement' }, [meta, preface, mainBody], indent);
}

function amendmentDocument(input: ExportInput, amendment: ExportAmendment, indent: string): string {
  const { negotiation, version, lang } = input;
  const base = `/akn/int/amendment/${encodeURIComponent(negotiation.id)}/${encodeURIComponent(amendment.id)}`;
  const expression = `${base}/${uriLanguage(lang)}@${encodeURIComponent(version.id)}`;
  const author = `#${partyEId(amendment.partyId)}`;
  const partyName = input.parties.find((p) => p.id === amendment.partyId)?.name ?? amendment.partyId;
  const point = amendment.pointId ? version.points.find((p) => p.id === amendment.pointId) : undefined;
  const generatedAt = xsdDate(input.generatedAt) ?? dayOf(version.createdAt);
  const eId = amendmentEId(amendment.id);
  const i1 = `${indent}  `;
  const i2 = `${indent}    `;
  const target = point
    ? inline('ref', { href: `#${articleEId(point.id)}` }, escapeText(`point ${point.number}`))
    : escapeText(`the text "${version.label}"`);
  return block(
    'amendment',
    { name: 'amendment' },
    [
      block(
        'meta',
        {},
        [
          frbr(
            { work: base, expression, manifestation: expression },
            {
              date: dayOf(version.createdAt),
              dateName: 'version',
              workAuthors: [author],
              author,
              generatedAt,
              lang,
              version: version.id,
              authoritative: authoritative(input),
              number: amendment.id,
              name: `Amendment by ${partyName}`,
            },
            i2,
          ),
          block(
            'references',
            { source: '#parley' },
            [
              empty(
                'activeRef',
                { eId: `${eId}__amends`, href: `${textExpression(input)}/!main`, showAs: version.label },
                `${i2}  `,
              ),
            ],
            i2,
          ),
          block(
            'proprietary',
            { source: '#parley' },
            [empty('parley:amendment', { id: amendment.id, state: amendment.state, point: point?.id }, `${i2}  `)],
            i2,
          ),
        ],
        i1,
      ),
      block(
        'preface',
        { 'xml:lang': lang },
        [
          `${i2}${inline('p', { class: 'proponent' }, inline('docProponent', { refersTo: author }, escapeText(partyName)))}`,
          `${i2}${inline('p', { class: 'status' }, inline('docStatus', {}, escapeText(amendment.state)))}`,
        ],
        i1,
      ),
      block(
        'amendmentBody',
        { 'xml:lang': lang },
        [
          block(
            'amendmentHeading',
            { eId: `${eId}__heading` },
            [`${i2}  ${inline('p', {}, `Amendment by ${escapeText(partyName)} to ${target}`)}`],
            i2,
          ),
          block(
            'amendmentContent',
            { eId: `${eId}__content` },
            [`${i2}  ${inline('p', {}, escapeText(amendment.description))}`],
            i2,
          ),
          amendment.justification === ''
            ? null
            : block(
                'amendmentJustification',
                { eId: `${eId}__justification` },
                [`${i2}  ${inline('p', {}, escapeText(amendment.justification))}`],
                i2,
              ),
        ],
        i1,
      ),
    ],
    indent,
  );
}

/**
 * A version as an Akoma Ntoso 3.0 document, in the reader's view and language (`input` is already
 * both). Valid against the OASIS schema; the same input gives the same bytes.
 */
export function toAkomaNtoso(input: ExportInput): string {
  const root = { xmlns: AKN_NAMESPACE, 'xmlns:parley': PARLEY_AKN_NAMESPACE };
  let document: string;
  if (input.amendments.length === 0) {
    document = textDocument(input, '  ');
  } else {
    const { negotiation, version, lang } = input;
    const base = `/akn/int/documentCollection/${encodeURIComponent(negotiation.id)}`;
    const expression = `${base}/${uriLanguage(lang)}@${encodeURIComponent(version.id)}`;
    const generatedAt = xsdDate(input.generatedAt) ?? dayOf(version.createdAt);
    document = block(
      'documentCollection',
      { name: 'agreementWithAmendments' },
      [
        block(
          'meta',
          {},
          [
            frbr(
              { work: base, expression, manifestation: expression },
              {
                date: dayOf(version.createdAt),
                dateName: 'version',
                workAuthors: tableAuthors(input),
                author: version.authorPartyId ? `#${partyEId(version.authorPartyId)}` : '#mediators',
                generatedAt,
                lang,
                version: version.id,
                authoritative: authoritative(input),
                number: negotiation.id,
                name: `${negotiation.title}, with its amendments`,
              },
              '      ',
            ),
          ],
          '    ',
        ),
        block(
          'collectionBody',
          {},
          [
            block('component', { eId: 'cmp_text', wId: 'cmp_text' }, [textDocument(input, '        ')], '      '),
            ...input.amendments.map((amendment) => {
              const eId = `cmp_${amendmentEId(amendment.id)}`;
              return block('component', { eId, wId: eId }, [amendmentDocument(input, amendment, '        ')], '      ');
            }),
          ],
          '    ',
        ),
      ],
      '  ',
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${block('akomaNtoso', root, [document], '')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Import.

/** How much an imported file may hold: its size, and how deep its elements nest. */
export const AKN_IMPORT_LIMITS = { bytes: 5 * 1024 * 1024, depth: 100 } as const;

const fileProblem = (message: string) => invalid('file', message);

/** An element of the file: its local name, its attributes (entities decoded) and its children; text is a string. */
interface XElement {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
}
type XNode = XElement | string;

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references; any other entity is refused. */
function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]{0,40});?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw fileProblem('The file has a bare "&"; write it as "&amp;".');
    if (Object.hasOwn(PREDEFINED, name)) return PREDEFINED[name]!;
    const code = /^#x[0-9A-Fa-f]{1,6}$/.test(name)
      ? parseInt(name.slice(2), 16)
      : /^#[0-9]{1,7}$/.test(name)
        ? Number(name.slice(1))
        : null;
    if (code === null)
      throw fileProblem(
        `The file uses the entity "&${name};", which only a DTD could define; Parley reads XML without DTDs. Replace it with the character itself.`,
      );
    const valid =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      (code >= 0x10000 && code <= 0x10ffff);
    if (!valid) throw fileProblem(`The file refers to the character "&${name};", which XML does not allow.`);
    return String.fromCodePoint(code);
  });
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** The deepest nesting of elements, counted in one pass; refuses a file deeper than `limit`. */
function checkNesting(xml: string, limit: number): void {
  let depth = 0;
  let i = xml.indexOf('<');
  const length = xml.length;
  while (i !== -1 && i < length) {
    let end: number;
    const closing = (marker: string, from: number) => {
      const at = xml.indexOf(marker, from);
      return at < 0 ? -1 : at + marker.length - 1;
    };
    if (xml.startsWith('<!--', i)) end = closing('-->', i + 4);
    else if (xml.startsWith('<![CDATA[', i)) end = closing(']]>', i + 9);
    else if (xml.startsWith('<?', i)) end = closing('?>', i + 2);
    else if (xml.charCodeAt(i + 1) === 0x2f /* / */) {
      depth--;
      end = xml.indexOf('>', i + 2);
    } else {
      let quote = 0;
      end = -1;
      for (let j = i + 1; j < length; j++) {
        const c = xml.charCodeAt(j);
        if (quote !== 0) {
          if (c === quote) quote = 0;
        } else if (c === 0x22 || c === 0x27) quote = c;
        else if (c === 0x3e /* > */) {
          end = j;
          break;
        }
      }
      if (end > 0 && xml.charCodeAt(end - 1) !== 0x2f) {
        depth++;
        if (depth > limit)
          throw fileProblem(
            `The file's elements nest more than ${limit} deep; an Akoma Ntoso text needs far fewer levels. Flatten the document and try again.`,
          );
      }
    }
    if (end < 0) return; // unterminated markup: the well-formedness check says where
    i = xml.indexOf('<', end + 1);
  }
}

const xmlParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
});

type ParsedNode = Record<string, unknown>;

function toTree(nodes: ParsedNode[]): XNode[] {
  const out: XNode[] = [];
  for (const node of nodes) {
    for (const key of Object.keys(node)) {
      if (key === ':@') continue;
      const value = node[key];
      if (key === '#text') out.push(decodeEntities(String(value)));
      else if (key === '#cdata') out.push((value as ParsedNode[]).map((part) => String(part['#text'] ?? '')).join(''));
      else {
        const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
        for (const [name, raw] of Object.entries((node[':@'] ?? {}) as Record<string, unknown>))
          attrs[name] = decodeEntities(String(raw).replace(/[\t\n]/g, ' '));
        out.push({ name: localName(key), attrs, children: toTree(value as ParsedNode[]) });
      }
    }
  }
  return out;
}

/** The file's text: UTF-8, within the size limit, without DTD, nesting within bounds, well formed. */
function readDocument(file: Uint8Array | string): XElement {
  const size = typeof file === 'string' ? file.length : file.byteLength;
  if (size > AKN_IMPORT_LIMITS.bytes)
    throw fileProblem(
      `The file is ${(size / 1024 / 1024).toFixed(1)} MB; an Akoma Ntoso import may be at most ${AKN_IMPORT_LIMITS.bytes / 1024 / 1024} MB. Split the text and import it in parts.`,
    );
  let xml: string;
  if (typeof file === 'string') xml = file;
  else {
    if ((file[0] === 0xfe && file[1] === 0xff) || (file[0] === 0xff && file[1] === 0xfe))
      throw fileProblem('The file is in UTF-16; save it as UTF-8 and import it again.');
    try {
      xml = new TextDecoder('utf-8', { fatal: true }).decode(file);
    } catch {
      throw fileProblem('The file is not valid UTF-8; save it as UTF-8 and import it again.');
    }
  }
  if (xml.charCodeAt(0) === 0xfeff) xml = xml.slice(1);
  const declared = /^<\?xml[^>]*\sencoding\s*=\s*["']([^"']+)["']/.exec(xml)?.[1];
  if (declared && !/^utf-?8$/i.test(declared))
    throw fileProblem(`The file declares the encoding "${declared}"; save it as UTF-8 and import it again.`);
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml))
    throw fileProblem(
      'The file has a DOCTYPE or entity declaration; Parley reads Akoma Ntoso without DTDs (they can expand entities without bound or reach other files). Remove the declaration and import it again.',
    );
  checkNesting(xml, AKN_IMPORT_LIMITS.depth);
  // XML reads every line end as a line feed (a carriage return kept on purpose is written &#13;).
  xml = xml.replace(/\r\n?/g, '\n');
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw fileProblem(
      `The file is not well-formed XML: line ${valid.err.line}: ${valid.err.msg.length > 200 ? `${valid.err.msg.slice(0, 200)}…` : valid.err.msg}`,
    );
  const roots = toTree(xmlParser.parse(xml) as ParsedNode[]).filter((n): n is XElement => typeof n !== 'string');
  const root = roots[0];
  if (!root || root.name !== 'akomaNtoso')
    throw fileProblem(
      `The file's root element is <${root?.name ?? 'none'}>, not <akomaNtoso>: it is not an Akoma Ntoso document.`,
    );
  return root;
}

const elements = (node: XElement) => node.children.filter((c): c is XElement => typeof c !== 'string');
const child = (node: XElement | undefined, name: string) =>
  node ? elements(node).find((c) => c.name === name) : undefined;
function descendant(node: XElement, name: string): XElement | undefined {
  for (const c of elements(node)) {
    if (c.name === name) return c;
    const found = descendant(c, name);
    if (found) return found;
  }
  return undefined;
}
const textOf = (node: XNode): string => (typeof node === 'string' ? node : node.children.map(textOf).join(''));

/** The documents with articles that Parley imports, and where their articles are. */
const TEXT_DOCUMENTS: Record<string, string> = { act: 'body', bill: 'body', doc: 'mainBody', statement: 'mainBody' };
const COLLECTIONS = new Set(['documentCollection', 'amendmentList', 'officialGazette']);

/** The first act, bill, doc or statement in the file, looking into collections' components. */
function findTextDocument(node: XElement, skipped: string[]): XElement | undefined {
  for (const c of elements(node)) {
    if (Object.hasOwn(TEXT_DOCUMENTS, c.name)) return c;
    if (COLLECTIONS.has(c.name)) {
      const body = child(c, 'collectionBody');
      for (const component of body ? elements(body) : []) {
        const found = findTextDocument(component, skipped);
        if (found) return found;
      }
    } else if (c.name !== 'components') skipped.push(c.name);
  }
  return undefined;
}

/**
 * The units a text's points are made from, most to least likely: the first of these names found in
 * the body is the level whose elements become points (articles of a treaty or an EU act, sections
 * of a US or UK act, …); the levels above it only group them.
 */
const UNIT_LEVELS = [
  'article',
  'section',
  'rule',
  'regulation',
  'clause',
  'paragraph',
  'point',
  'subsection',
  'item',
  'level',
];
const GROUP_LEVELS = new Set([
  'book',
  'tome',
  'part',
  'subpart',
  'title',
  'subtitle',
  'chapter',
  'subchapter',
  'division',
  'subdivision',
  'hcontainer',
]);

interface ReadContext {
  /** The file is Parley's own export: its text is kept exactly, white space and all. */
  exact: boolean;
  notes: Set<string>;
}

/** A unit's wording: its paragraphs (one per `p`), nested units' numbers before their first line, brackets as placeholders. */
function readUnit(unit: XElement, pointId: Id, context: ReadContext): { text: string; brackets: Bracket[] } {
  const brackets: Bracket[] = [];
  const paragraphs: string[] = [];
  let prefix = '';
  const tidy = (s: string) => (context.exact ? s : s.replace(/\s+/g, ' ').trim());
  const push = (line: string) => {
    const text = tidy(line);
    if (!context.exact && text === '') return;
    paragraphs.push(prefix ? `${prefix} ${text}` : text);
    prefix = '';
  };
  const inlineText = (node: XNode): string => {
    if (typeof node === 'string') return node;
    if (node.name === 'authorialNote') {
      context.notes.add('Footnotes (authorialNote) were left out.');
      return '';
    }
    if (node.name === 'br') return context.exact ? '\n' : ' ';
    if (node.name === 'inline' && node.attrs.name === 'bracket') {
      const alternatives = elements(node).filter((c) => c.name === 'inline' && c.attrs.name === 'alternative');
      if (alternatives.length >= 2) {
        const prefixOf = `${articleEId(pointId)}__brk_`;
        const eId = node.attrs.eId ?? '';
        const fromFile = eId.startsWith(prefixOf) ? decodeId(eId.slice(prefixOf.length)) : null;
        const taken = new Set(brackets.map((b) => b.id));
        let id = validId(fromFile) && !taken.has(fromFile) ? fromFile : null;
        for (let n = brackets.length + 1; id === null; n++) if (!taken.has(`br-${n}`)) id = `br-${n}`;
        brackets.push({
          id,
          alternatives: alternatives.map((alternative) => ({
            text: tidy(textOf(alternative)),
            proposedBy: (alternative.attrs.refersTo ?? '')
              .split(/\s+/)
              .filter((ref) => ref.startsWith('#party_'))
              .map((ref) => decodeId(ref.slice('#party_'.length)))
              .filter(validId),
          })),
        });
        return `[[${id}]]`;
      }
    }
    return node.children.map(inlineText).join('');
  };
  const walk = (node: XElement) => {
    for (const c of node.children) {
      if (typeof c === 'string') {
        if (c.trim() !== '') push(c);
        continue;
      }
      if (c.name === 'num') prefix = tidy(textOf(c));
      else if (c.name === 'p' || c.name === 'heading' || c.name === 'subheading' || c.name === 'block')
        push(inlineText(c));
      else walk(c);
    }
  };
  for (const c of unit.children) {
    if (typeof c === 'string') {
      if (c.trim() !== '') push(c);
    } else if (c.name !== 'num' && c.name !== 'heading' && c.name !== 'subheading') walk({ ...c, children: [c] });
  }
  if (prefix) push('');
  return { text: paragraphs.join('\n'), brackets };
}

/**
 * Reads an Akoma Ntoso act, bill or doc (or the first of them in a document collection) into
 * points: each article (or, in a text without articles, each section, rule, clause, paragraph…) a
 * point, its `num` the number, its `heading` the title, its paragraphs the text (nested units'
 * numbers kept before their lines), `<inline name="bracket">` with two or more
 * `<inline name="alternative">` a bracket. A file Parley wrote reads back exactly (ids from the
 * eIds, brackets, who proposed each alternative, tracks); another file's white space is tidied.
 *
 * Refuses, before parsing, a file over the size limit, not UTF-8, with a DOCTYPE or an entity
 * declaration, or nesting too deep; then any file that is not well formed or has no article.
 */
export function fromAkomaNtoso(file: Uint8Array | string): RecognisedText {
  const root = readDocument(file);
  const exact = root.attrs['xmlns:parley'] === PARLEY_AKN_NAMESPACE;
  const context: ReadContext = { exact, notes: new Set() };
  const skipped: string[] = [];
  const document = findTextDocument(root, skipped);
  if (!document)
    throw fileProblem(
      `The file holds ${skipped.length > 0 ? `an Akoma Ntoso <${skipped[0]}>` : 'no document'}; Parley imports an act, a bill or a doc (a text of articles).`,
    );
  const body = child(document, TEXT_DOCUMENTS[document.name]!);
  if (!body)
    throw fileProblem(`The <${document.name}> has no <${TEXT_DOCUMENTS[document.name]}>: there is no text to import.`);
  if (root.children.some((c) => typeof c !== 'string' && COLLECTIONS.has(c.name)))
    context.notes.add('The file is a collection: its first text was read, its other documents (amendments) were not.');

  const meta = child(document, 'meta');
  const identification = child(meta, 'identification');
  const preface = child(document, 'preface');
  const docTitle = preface ? descendant(preface, 'docTitle') : undefined;
  const title = (
    docTitle
      ? textOf(docTitle)
      : (child(child(identification, 'FRBRWork'), 'FRBRname')?.attrs.value ??
        (preface ? textOf(descendant(preface, 'longTitle') ?? descendant(preface, 'shortTitle') ?? '') : ''))
  )
    .replace(/\s+/g, ' ')
    .trim();

  const declaredLang =
    body.attrs['xml:lang'] ??
    document.attrs['xml:lang'] ??
    child(child(identification, 'FRBRExpression'), 'FRBRlanguage')?.attrs.language;
  const LANG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;
  // ISO 639-2 codes (AKN's `eng`, `fra`) read as their BCP 47 tags (`en`, `fr`).
  const [primary, ...subtags] = (declaredLang ?? 'en').split('-');
  const two = Object.entries(ISO_639_2).find(([, code]) => code === primary)?.[0];
  let lang = two ? [two, ...subtags].join('-') : (declaredLang ?? 'en');
  if (!LANG.test(lang)) {
    context.notes.add(
      `The file's language "${lang}" is not a language tag Parley knows; the text was read as English (en).`,
    );
    lang = 'en';
  }
  if (!declaredLang) context.notes.add('The file does not say its language; the text was read as English (en).');

  // The level whose elements become points: the first of UNIT_LEVELS present in the body.
  const present = new Set<string>();
  const scan = (node: XElement) => {
    for (const c of elements(node)) {
      present.add(c.name);
      scan(c);
    }
  };
  scan(body);
  const level = UNIT_LEVELS.find((name) => present.has(name));
  if (!level)
    throw fileProblem(
      `The <${body.name}> holds no article, section, clause or paragraph: there are no points to import.`,
    );
  const units: XElement[] = [];
  let outside = 0;
  const collect = (node: XElement) => {
    for (const c of node.children) {
      if (typeof c === 'string') {
        if (c.trim() !== '') outside++;
      } else if (c.name === level) units.push(c);
      else if (GROUP_LEVELS.has(c.name) || UNIT_LEVELS.includes(c.name)) {
        if (child(c, 'heading') || child(c, 'num'))
          context.notes.add(`The headings of the groups above the ${level}s (${c.name}) were not kept.`);
        collect(c);
      } else if (c.name !== 'num' && c.name !== 'heading' && c.name !== 'subheading') outside++;
    }
  };
  collect(body);
  if (outside > 0)
    context.notes.add(
      `${outside} passage${outside === 1 ? '' : 's'} outside any ${level} ${outside === 1 ? 'was' : 'were'} left out.`,
    );

  const withheld = units.filter((u) => (u.attrs.class ?? '').split(/\s+/).includes('withheld'));
  if (withheld.length > 0)
    context.notes.add(
      `Point${withheld.length === 1 ? '' : 's'} ${withheld.map((u) => tidyNum(u)).join(', ')} ${withheld.length === 1 ? 'was' : 'were'} withheld from the file (negotiated in a separate format) and ${withheld.length === 1 ? 'is' : 'are'} not imported.`,
    );
  const withheldSet = new Set(withheld);
  const kept = units.filter((u) => !withheldSet.has(u));
  const ids = new Set<Id>();
  const points: Point[] = kept.map((unit) => {
    const fromFile = (unit.attrs.eId ?? '').startsWith('art_') ? decodeId(unit.attrs.eId!.slice(4)) : null;
    const id = validId(fromFile) && !ids.has(fromFile) ? fromFile : '';
    if (id) ids.add(id);
    const tracks = (unit.attrs.refersTo ?? '')
      .split(/\s+/)
      .filter((ref) => ref.startsWith('#track_'))
      .map((ref) => decodeId(ref.slice('#track_'.length)))
      .filter(validId);
    const heading = child(unit, 'heading');
    return {
      id,
      number: 0,
      title: heading ? (exact ? textOf(heading) : textOf(heading).replace(/\s+/g, ' ').trim()) : '',
      ...readUnit(unit, id, context),
      issueIds: [],
      trackId: tracks[0] ?? null,
    };
  });
  // Points without an id of their own get pt-1, pt-2, … (skipping ids taken).
  let next = 1;
  for (const point of points) {
    if (point.id) continue;
    while (ids.has(`pt-${next}`)) next++;
    point.id = `pt-${next}`;
    ids.add(point.id);
  }
  // Numbers: the file's when they run 1..n, else renumbered (and said).
  const numbers = kept.map((unit) => Number(/\d+/.exec(textOf(child(unit, 'num') ?? ''))?.[0] ?? NaN));
  const inOrder = numbers.every((n, index) => n === index + 1);
  points.forEach((point, index) => (point.number = index + 1));
  if (!inOrder && points.length > 0)
    context.notes.add(
      `The ${level}s were renumbered 1–${points.length} (the file numbers them ${kept.map(tidyNum).join(', ')}).`,
    );
  const inTracks = points.filter((p) => p.trackId !== null);
  if (inTracks.length > 0)
    context.notes.add(
      `Point${inTracks.length === 1 ? '' : 's'} ${inTracks.map((p) => p.number).join(', ')} ${inTracks.length === 1 ? 'is' : 'are'} marked as negotiated in a separate track.`,
    );
  if (points.length === 0) throw fileProblem(`The file has no ${level} to import.`);
  return { title, points, lang, notes: [...context.notes] };
}

function tidyNum(unit: XElement): string {
  const num = child(unit, 'num');
  return num ? textOf(num).replace(/\s+/g, ' ').trim() || '(no number)' : '(no number)';
}

/**
 * Whether an imported file is Akoma Ntoso, for the importers' dispatch: sent as
 * `application/akn+xml`, or as XML (`application/xml`, `text/xml`, any `+xml`, or no type) whose
 * root element is `akomaNtoso` (looked for in the first 4 KB, after the declaration and comments).
 */
export function isAkomaNtoso(file: { bytes: Uint8Array; mediaType: string }): boolean {
  const type = (file.mediaType.split(';')[0] ?? '').trim().toLowerCase();
  if (type === AKN_MEDIA_TYPE) return true;
  if (type !== '' && type !== 'application/xml' && type !== 'text/xml' && !type.endsWith('+xml')) return false;
  const head = new TextDecoder('utf-8').decode(file.bytes.subarray(0, 4096));
  let i = head.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (i < head.length && /\s/.test(head[i]!)) i++;
    const end = head.startsWith('<?', i)
      ? head.indexOf('?>', i) + 2
      : head.startsWith('<!--', i)
        ? head.indexOf('-->', i) + 3
        : 0;
    if (end <= 1) break;
    i = end;
  }
  const ROOT = /<(?:!DOCTYPE\s+)?(?:[A-Za-z_][-\w.]*:)?akomaNtoso[\s>/[]/y;
  ROOT.lastIndex = i;
  return ROOT.test(head);
}
