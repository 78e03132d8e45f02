import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { documentProblems } from '../../src/core/document.ts';
import { DomainError } from '../../src/core/errors.ts';
import type { Point, Version, VersionView } from '../../src/core/model.ts';
import { AKN_IMPORT_LIMITS, fromAkomaNtoso, isAkomaNtoso, toAkomaNtoso } from '../../src/formats/akn.ts';
import { exportFileName, versionFormat } from '../../src/formats/index.ts';
import type { ExportInput } from '../../src/formats/types.ts';
import { Store } from '../../src/store/store.ts';
import { getVersion } from '../../src/store/texts.ts';
import { decideOnText } from '../../src/store/transmission.ts';
import { createVersion, transmitVersion } from '../../src/store/versions.ts';
import { party, point, track, version } from '../core/builders.ts';
import { contextOf, demoDatabase, tempDir } from '../helpers.ts';
import { readerExportInput } from './export-input.ts';

const SCHEMA = fileURLToPath(new URL('../fixtures/akn/akomantoso30.xsd', import.meta.url));

/** Validates documents against the OASIS schema with xmllint, all in one run; fails with xmllint's words. */
function assertValid(documents: string[]): void {
  const dir = tempDir();
  const files = documents.map((xml, index) => {
    const file = join(dir, `export-${index}.akn.xml`);
    writeFileSync(file, xml);
    return file;
  });
  const run = spawnSync('xmllint', ['--noout', '--schema', SCHEMA, ...files], { encoding: 'utf8' });
  assert.equal(run.error, undefined, 'xmllint runs (Debian package libxml2-utils)');
  assert.equal(run.status, 0, run.stderr);
}

function viewOf(v: Version, overrides: Partial<VersionView> = {}): VersionView {
  return { ...v, recipientPartyIds: [], contentHash: null, separateFormat: null, ...overrides };
}

const PARTIES = [
  party('us', { name: 'United States' }),
  party('ua', { name: 'Ukraine' }),
  party('ru', { name: 'Russia' }),
  party('e_3', { name: 'E3 & friends' }),
];

function input(v: VersionView, overrides: Partial<ExportInput> = {}): ExportInput {
  return {
    negotiation: { id: 'geneva-2025', title: 'Peace talks <Geneva> & after', summary: '' },
    version: v,
    lang: 'en',
    languages: { drafting: 'en', all: ['en'], authentic: ['en'], prevailing: null },
    languageBehind: [],
    parties: PARTIES,
    tracks: [],
    status: { label: 'Draft — not agreed', agreed: false, obstacles: '2 points not agreed: 1, 2' },
    positions: [],
    provenance: null,
    compareWith: null,
    workflow: [],
    amendments: [],
    generatedAt: '2025-11-25T12:00:00.000Z',
    ...overrides,
  };
}

/** What an import can give back of a point: what the export writes. */
const exported = (p: Point): Point => ({
  id: p.id,
  number: p.number,
  title: p.title,
  text: p.text,
  brackets: p.brackets.map((b) => ({
    id: b.id,
    alternatives: b.alternatives.map((a) => ({ text: a.text, proposedBy: a.proposedBy })),
  })),
  issueIds: [],
  trackId: p.trackId,
});

/** Export, import, export again with the imported points: the same bytes. */
function assertRoundTrip(exportInput: ExportInput): string {
  const xml = toAkomaNtoso(exportInput);
  const back = fromAkomaNtoso(new TextEncoder().encode(xml));
  const again = toAkomaNtoso({ ...exportInput, version: { ...exportInput.version, points: back.points } });
  assert.equal(again, xml);
  return xml;
}

const refused = (work: () => unknown, pattern: RegExp) =>
  assert.throws(work, (error: unknown) => {
    assert.ok(error instanceof DomainError, `a DomainError, not ${String(error)}`);
    assert.equal(error.kind, 'invalid');
    assert.match(error.message, pattern);
    return true;
  });

const wrap = (body: string, root = 'act', bodyName = 'body') =>
  `<?xml version="1.0" encoding="UTF-8"?>
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">
  <${root} name="x"><meta/><${bodyName}>${body}</${bodyName}></${root}>
</akomaNtoso>`;

describe('Akoma Ntoso export', () => {
  const text = version('v-3', {
    label: 'Single negotiating text',
    summary: 'After Geneva.',
    authorPartyId: 'us',
    createdAt: '2025-11-23T18:30:00Z',
    points: [
      point('pt-army', 1, {
        title: 'Armed forces',
        text: 'The armed forces are capped at [[br-cap]] troops.\nThey are reviewed yearly.',
        brackets: [
          {
            id: 'br-cap',
            alternatives: [
              { text: '600,000', proposedBy: ['us', 'ru'] },
              { text: '800,000', proposedBy: ['ua', 'e_3'] },
            ],
          },
        ],
      }),
      point('pt-nato', 2, { title: 'NATO', text: 'Ukraine does not join NATO.', trackId: 'track-nato' }),
    ],
  });
  const base = input(viewOf(text), { tracks: [track('track-nato', ['us', 'ua'], ['pt-nato'])] });

  test('a version validates against the OASIS schema, as a doc named agreement with one article per point', () => {
    const xml = toAkomaNtoso(base);
    assertValid([xml]);
    assert.match(xml, /<doc name="agreement">/);
    assert.match(
      xml,
      /<article eId="art_pt-army" wId="art_pt-army">\s*<num>1<\/num>\s*<heading>Armed forces<\/heading>/,
    );
    assert.match(
      xml,
      /<content><p>The armed forces are capped at <inline name="bracket"[^>]*>.*<\/inline> troops\.<\/p><p>They are reviewed yearly\.<\/p><\/content>/,
    );
    assert.match(xml, /<inline name="alternative"[^>]*refersTo="#party_us #party_ru">600,000<\/inline>/);
    assert.match(xml, /<inline name="alternative"[^>]*refersTo="#party_ua #party_e_\.3">800,000<\/inline>/);
    assert.match(xml, /<TLCOrganization eId="party_e_\.3" [^>]*showAs="E3 &amp; friends"\/>/);
    assert.match(xml, /<article eId="art_pt-nato" wId="art_pt-nato" refersTo="#track_track-nato">/);
    assert.match(xml, /<TLCConcept eId="track_track-nato" [^>]*showAs="NATO"|<TLCConcept eId="track_track-nato" /);
    assert.match(xml, /<docStatus>Draft — not agreed<\/docStatus>/);
    assert.match(xml, /<parley:status label="Draft — not agreed" agreed="false"/);
    // The work is the parties' agreement; this expression (the version) is the United States' text.
    const work = /<FRBRWork>[^]*<\/FRBRWork>/.exec(xml)![0];
    assert.deepEqual(
      work.match(/<FRBRauthor href="[^"]*"\/>/g),
      PARTIES.map((p) => `<FRBRauthor href="#party_${p.id.replace('_', '_.')}"/>`),
    );
    assert.match(/<FRBRExpression>[^]*<\/FRBRExpression>/.exec(xml)![0], /<FRBRauthor href="#party_us"\/>/);
    assert.match(xml, /<docTitle>Peace talks &lt;Geneva&gt; &amp; after<\/docTitle>/);
  });

  test('one FRBR expression per version and language: the URI names both, and xml:lang and FRBRlanguage say the language', () => {
    const uk = toAkomaNtoso({
      ...base,
      lang: 'uk',
      languages: { drafting: 'en', all: ['en', 'uk'], authentic: ['en', 'uk'], prevailing: null },
    });
    assertValid([uk]);
    assert.match(uk, /<FRBRthis value="\/akn\/int\/doc\/agreement\/geneva-2025\/!main"\/>/);
    assert.match(uk, /<FRBRthis value="\/akn\/int\/doc\/agreement\/geneva-2025\/ukr@v-3\/!main"\/>/);
    assert.match(uk, /<FRBRlanguage language="uk"\/>/);
    assert.match(uk, /<FRBRauthoritative value="true"\/>/);
    assert.match(uk, /<mainBody xml:lang="uk">/);
    assert.equal(fromAkomaNtoso(uk).lang, 'uk');
    // A language that is not authentic says so; another version is another expression of the same work.
    const ru = toAkomaNtoso({
      ...base,
      lang: 'ru',
      languages: { drafting: 'en', all: ['en', 'ru'], authentic: ['en'], prevailing: 'en' },
    });
    assert.match(ru, /<FRBRauthoritative value="false"\/>/);
    const next = toAkomaNtoso({ ...base, version: { ...base.version, id: 'v-4' } });
    assert.match(next, /<FRBRuri value="\/akn\/int\/doc\/agreement\/geneva-2025\/eng@v-4"\/>/);
  });

  test("an article's eId and wId come from its point's stable id, so they survive renumbering", () => {
    const renumbered = viewOf({
      ...text,
      id: 'v-4',
      points: [
        point('pt-new', 1, { title: 'Preamble', text: 'The parties agree.' }),
        ...text.points.map((p) => ({ ...p, number: p.number + 1 })),
      ],
    });
    const before = toAkomaNtoso(base);
    const after = toAkomaNtoso({ ...base, version: renumbered });
    assertValid([after]);
    assert.match(before, /<article eId="art_pt-nato"[^>]*>\s*<num>2<\/num>/);
    assert.match(after, /<article eId="art_pt-nato"[^>]*>\s*<num>3<\/num>/);
  });

  test('the workflow holds the approvals and transmissions as steps, with the people and parties as TLC references', () => {
    const xml = toAkomaNtoso({
      ...base,
      workflow: [
        {
          kind: 'approved',
          at: '2025-11-23T18:00:00-05:00',
          partyId: 'us',
          actor: 'Donald Trump',
          note: 'Approved for Moscow',
        },
        { kind: 'transmitted', at: '2025-11-24T09:00Z', partyId: 'ru', actor: null, note: '' },
      ],
    });
    assertValid([xml]);
    assert.match(
      xml,
      /<step date="2025-11-23T18:00:00-05:00" by="#person_1" refersTo="#party_us" outcome="#step_approved"><parley:note>Approved for Moscow<\/parley:note><\/step>/,
    );
    assert.match(
      xml,
      /<step date="2025-11-24T09:00:00.000Z" by="#party_ru" refersTo="#party_ru" outcome="#step_transmitted"\/>/,
    );
    assert.match(xml, /<TLCPerson eId="person_1" [^>]*showAs="Donald Trump"\/>/);
  });

  test('with amendments the file is a document collection: the text, then one AKN amendment document each, valid', () => {
    const xml = toAkomaNtoso({
      ...base,
      amendments: [
        {
          id: 'am-1',
          partyId: 'e_3',
          pointId: 'pt-army',
          state: 'tabled',
          description: 'Replace "600,000" by "800,000"',
          justification: 'Deterrence',
        },
        {
          id: 'am-2',
          partyId: 'ru',
          pointId: null,
          state: 'proposed',
          description: 'Add a point on elections',
          justification: '',
        },
      ],
    });
    assertValid([xml]);
    assert.match(xml, /<documentCollection name="agreementWithAmendments">/);
    assert.match(xml, /<component eId="cmp_text" wId="cmp_text">\s*<doc name="agreement">/);
    assert.match(xml, /<component eId="cmp_amd_am-1" wId="cmp_amd_am-1">\s*<amendment name="amendment">/);
    assert.match(xml, /<p>Amendment by E3 &amp; friends to <ref href="#art_pt-army">point 1<\/ref><\/p>/);
    assert.match(
      xml,
      /<activeRef eId="amd_am-1__amends" href="\/akn\/int\/doc\/agreement\/geneva-2025\/eng@v-3\/!main"/,
    );
    // The text reads back from the collection.
    assert.deepEqual(fromAkomaNtoso(xml).points, text.points.map(exported));
  });

  test('points withheld from the reader keep only their number', () => {
    const xml = toAkomaNtoso({
      ...base,
      version: viewOf(
        { ...text, points: [text.points[0]!] },
        { separateFormat: { pointNumbers: [2], note: 'Negotiated in a separate format you are not part of' } },
      ),
      tracks: [],
    });
    assertValid([xml]);
    assert.match(
      xml,
      /<article eId="withheld_2" wId="withheld_2" class="withheld" status="incomplete">\s*<num>2<\/num>\s*<content><p>Negotiated in a separate format you are not part of<\/p><\/content>/,
    );
    assert.doesNotMatch(xml, /pt-nato|NATO<|track/);
    const back = fromAkomaNtoso(xml);
    assert.deepEqual(
      back.points.map((p) => p.id),
      ['pt-army'],
    );
    assert.ok(
      back.notes.some((n) => /Point 2 was withheld/.test(n)),
      back.notes.join('\n'),
    );
  });

  test('export → import → export gives the same bytes, for any version (ids, numbers, titles, texts needing escapes, brackets)', () => {
    const documents: string[] = [];
    const id = fc
      .stringMatching(/^[A-Za-z0-9._:-]{1,12}$/)
      .filter((s) => !(s in Object.prototype) && s !== 'prototype');
    const char = fc.oneof(
      fc.constantFrom(
        '&',
        '<',
        '>',
        '"',
        "'",
        '\n',
        '\r',
        '\t',
        ' ',
        ']]>',
        '&amp;',
        '&#13;',
        'é',
        'Ж',
        'ї',
        '😀',
        '—',
      ),
      fc.string({ minLength: 1, maxLength: 1 }),
    );
    const anyText = fc.string({ unit: char, maxLength: 30 });
    // Placeholders are [[id]]: text around them has no square brackets (it could make a placeholder of its own).
    const plainText = anyText.map((s) => s.replace(/[[\]]/g, '('));
    const pointArb = fc.record({
      id,
      title: anyText,
      segments: fc.array(plainText, { minLength: 1, maxLength: 3 }),
      brackets: fc.uniqueArray(
        fc.record({
          id,
          alternatives: fc.array(fc.record({ text: anyText, proposedBy: fc.subarray(['us', 'ua', 'ru', 'e_3']) }), {
            minLength: 2,
            maxLength: 3,
          }),
        }),
        { selector: (b) => b.id, maxLength: 2 },
      ),
      inTrack: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.uniqueArray(pointArb, { selector: (p) => p.id, minLength: 1, maxLength: 5 }), (drawn) => {
        const points: Point[] = drawn.map((p, index) => {
          let body = p.segments[0]!;
          p.brackets.forEach((b, i) => (body += `[[${b.id}]]${p.segments[i + 1] ?? ' '}`));
          return point(p.id, index + 1, {
            title: p.title,
            text: body,
            brackets: p.brackets,
            trackId: p.inTrack ? 'track-nato' : null,
          });
        });
        assert.deepEqual(documentProblems(points), []);
        const exportInput = { ...base, version: viewOf({ ...text, points }) };
        const xml = assertRoundTrip(exportInput);
        assert.deepEqual(fromAkomaNtoso(xml).points, points.map(exported));
        documents.push(xml);
      }),
      { numRuns: 80 },
    );
    assertValid(documents);
  });

  test('characters XML cannot carry are written as U+FFFD, and the file stays valid', () => {
    const xml = toAkomaNtoso({
      ...base,
      version: viewOf({ ...text, points: [point('pt-1', 1, { title: 'Bell\u0007', text: 'Form\u000cfeed \ud800' })] }),
    });
    assertValid([xml]);
    assert.deepEqual(
      fromAkomaNtoso(xml).points.map((p) => [p.title, p.text]),
      [['Bell\ufffd', 'Form\ufffdfeed \ufffd']],
    );
  });

  test('the registry offers akn as application/akn+xml, rendered by toAkomaNtoso', async () => {
    const format = versionFormat('akn');
    assert.ok(format);
    assert.equal(format.mediaType, 'application/akn+xml');
    assert.equal(format.kind, 'file');
    assert.equal(await format.render(base), toAkomaNtoso(base));
    assert.equal(
      exportFileName('Geneva talks', 'Table text', 'uk', format.extension),
      'geneva-talks-table-text.uk.akn.xml',
    );
  });
});

describe('Akoma Ntoso export of the demo', () => {
  let store: Store;
  let withTrack: string;

  before(async () => {
    store = await Store.open(await demoDatabase());
    // The table text with two points moved to the EU–NATO track (Russia is not in it), approved by both
    // presidents as the demo's rule asks, and sent to Russia.
    const mediator = await contextOf(store, 'mediator@demo.parley');
    const table = await getVersion(store, mediator, 'v-table-28');
    const made = await createVersion(store, mediator, {
      parentId: 'v-table-28',
      kind: 'draft',
      label: 'Table text with the EU–NATO track',
      summary: '',
      authorPartyId: null,
      points: table.points.map((p) => (['pt-4', 'pt-7'].includes(p.id) ? { ...p, trackId: 'track-eu-nato' } : p)),
      optionChoices: table.optionChoices,
      source: null,
    });
    withTrack = made.id;
    await transmitVersion(store, mediator, made.id, ['ru', 'ua', 'us']);
    for (const principal of ['us-principal@demo.parley', 'ua-principal@demo.parley']) {
      await decideOnText(store, await contextOf(store, principal), made.id, {
        ruleId: 'rule-presidents-before-moscow',
        stageId: 'stage-presidents',
        decision: 'approve',
        comment: '',
        contentHash: made.contentHash!,
      });
    }
  });
  after(async () => store.close());

  test("the mediator's export of the table text validates, holds its 28 points and its amendments, and round-trips", async () => {
    const mediator = await contextOf(store, 'mediator@demo.parley');
    const exportInput = await readerExportInput(store, mediator, 'v-table-28');
    const xml = assertRoundTrip(exportInput);
    assertValid([xml]);
    assert.equal(xml.match(/<article /g)?.length, 28);
    for (const p of exportInput.version.points) assert.match(xml, new RegExp(`<article eId="art_${p.id}"`));
    assert.ok(exportInput.amendments.length > 0, 'the demo has amendments on the table text');
    assert.equal(xml.match(/<amendment name="amendment">/g)?.length, exportInput.amendments.length);
    assert.match(xml, /<inline name="bracket"/);
  });

  test("a Russian reader's export holds no point of the track Russia is not in; the mediator's marks the track", async () => {
    const mediator = await contextOf(store, 'mediator@demo.parley');
    const full = await readerExportInput(store, mediator, withTrack);
    const mediatorXml = toAkomaNtoso(full);
    const trackPoints = full.version.points.filter((p) => p.trackId === 'track-eu-nato');
    assert.deepEqual(
      trackPoints.map((p) => p.number),
      [4, 7],
    );
    assert.equal(mediatorXml.match(/refersTo="#track_track-eu-nato"/g)?.length, 2);
    assert.match(mediatorXml, /outcome="#step_approved"/);

    const ru = await contextOf(store, 'ru@demo.parley');
    const ruInput = await readerExportInput(store, ru, withTrack);
    const ruXml = toAkomaNtoso(ruInput);
    assertValid([mediatorXml, ruXml]);
    for (const p of trackPoints) {
      assert.ok(!ruXml.includes(`art_${p.id}"`), `point ${p.number}'s id is not in Russia's file`);
      assert.ok(!ruXml.includes(`#art_${p.id}`), `nothing refers to point ${p.number} in Russia's file`);
      assert.ok(
        !ruXml.includes(p.text.slice(0, 40).replace(/&/g, '&amp;')),
        `point ${p.number}'s text is not in Russia's file`,
      );
    }
    assert.ok(!ruXml.includes('track-eu-nato') && !ruXml.includes('EU and NATO competences'), 'the track is not named');
    assert.match(ruXml, /<article eId="withheld_4"[^>]*>\s*<num>4<\/num>/);
    assert.match(ruXml, /<article eId="withheld_7"[^>]*>\s*<num>7<\/num>/);
    assert.equal(ruXml.match(/<article eId="art_/g)?.length, 26);
  });
});

describe('Akoma Ntoso import', () => {
  test('an act with chapters, articles and numbered paragraphs becomes points with numbers, headings and text', () => {
    const act = wrap(`
      <chapter eId="chp_1"><num>Chapter I</num><heading>General</heading>
        <article eId="art_1"><num>Article 1</num><heading>  Scope
          and aims </heading>
          <paragraph eId="art_1__para_1"><num>1.</num><content><p>This Treaty applies
             to the <i>parties</i>.</p></content></paragraph>
          <paragraph eId="art_1__para_2"><num>2.</num><list><intro><p>It covers:</p></intro>
            <point><num>(a)</num><content><p>land;</p></content></point>
            <point><num>(b)</num><content><p>sea<authorialNote marker="1"><p>Including the Sea of Azov.</p></authorialNote>.</p></content></point>
          </list></paragraph>
        </article>
      </chapter>
      <chapter><num>Chapter II</num>
        <article eId="art_2"><num>Article 2</num><content><p>Sanctions are lifted in stages: <inline name="bracket"><inline name="alternative">at once</inline><inline name="alternative">over three years</inline></inline>.</p></content></article>
      </chapter>`);
    const read = fromAkomaNtoso(act);
    assert.deepEqual(
      read.points.map((p) => [p.id, p.number, p.title, p.text]),
      [
        ['1', 1, 'Scope and aims', '1. This Treaty applies to the parties.\n2. It covers:\n(a) land;\n(b) sea.'],
        ['2', 2, '', 'Sanctions are lifted in stages: [[br-1]].'],
      ],
    );
    assert.deepEqual(read.points[1]!.brackets, [
      {
        id: 'br-1',
        alternatives: [
          { text: 'at once', proposedBy: [] },
          { text: 'over three years', proposedBy: [] },
        ],
      },
    ]);
    assert.deepEqual(documentProblems(read.points), []);
    assert.equal(read.lang, 'en');
    assert.ok(
      read.notes.some((n) => /headings of the groups above the articles \(chapter\)/.test(n)),
      read.notes.join('\n'),
    );
    assert.ok(read.notes.some((n) => /Footnotes/.test(n)));
    assert.ok(read.notes.some((n) => /does not say its language/.test(n)));
  });

  test('a bill of sections and a doc with a language and a title read too; odd numbers are renumbered and said', () => {
    const bill = fromAkomaNtoso(
      wrap(
        '<section><num>§ 3</num><heading>Short title</heading><content><p>This Act may be cited as the Peace Act.</p></content></section><section><num>§ 7</num><content><p>Entry into force.</p></content></section>',
        'bill',
      ),
    );
    assert.deepEqual(
      bill.points.map((p) => [p.id, p.number, p.title]),
      [
        ['pt-1', 1, 'Short title'],
        ['pt-2', 2, ''],
      ],
    );
    assert.ok(
      bill.notes.some((n) => /renumbered 1–2 \(the file numbers them § 3, § 7\)/.test(n)),
      bill.notes.join('\n'),
    );

    const doc = fromAkomaNtoso(`<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><doc name="memo">
      <meta><identification source="#x"><FRBRWork><FRBRname value="Memo"/></FRBRWork><FRBRExpression><FRBRlanguage language="fra"/></FRBRExpression></identification></meta>
      <preface><p><docTitle>Accord de Genève</docTitle></p></preface>
      <mainBody><p>An introduction.</p><article><num>1</num><content><p>Le cessez-le-feu.</p></content></article></mainBody></doc></akomaNtoso>`);
    assert.equal(doc.title, 'Accord de Genève');
    assert.equal(doc.lang, 'fr');
    assert.deepEqual(
      doc.points.map((p) => p.text),
      ['Le cessez-le-feu.'],
    );
    assert.ok(
      doc.notes.some((n) => /1 passage outside any article was left out/.test(n)),
      doc.notes.join('\n'),
    );
  });

  test('hostile files are refused with a clear error before they are parsed', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><akomaNtoso>&lol2;</akomaNtoso>`;
    refused(() => fromAkomaNtoso(laughs), /DOCTYPE or entity declaration/);
    refused(() => fromAkomaNtoso('<!doctype akomaNtoso SYSTEM "file:///etc/passwd"><akomaNtoso/>'), /DOCTYPE/);
    refused(
      () => fromAkomaNtoso(wrap('<article><content><p>&xxe;</p></content></article>')),
      /entity "&xxe;".*without DTDs/,
    );
    refused(
      () => fromAkomaNtoso(wrap('<article><content><p>&#0;</p></content></article>')),
      /"&#0;", which XML does not allow/,
    );
    refused(
      () => fromAkomaNtoso(new Uint8Array([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e])),
      /not valid UTF-8/,
    );
    refused(() => fromAkomaNtoso(new Uint8Array([0xff, 0xfe, 0x3c, 0x00])), /UTF-16/);
    refused(
      () => fromAkomaNtoso('<?xml version="1.0" encoding="ISO-8859-1"?><akomaNtoso/>'),
      /encoding "ISO-8859-1"; save it as UTF-8/,
    );
    refused(() => fromAkomaNtoso(new Uint8Array(AKN_IMPORT_LIMITS.bytes + 1)), /at most 5 MB/);
    const deep = 100_000;
    refused(
      () => fromAkomaNtoso(`<akomaNtoso>${'<a>'.repeat(deep)}${'</a>'.repeat(deep)}</akomaNtoso>`),
      /nest more than 100 deep/,
    );
    refused(
      () => fromAkomaNtoso(wrap('<article><content><p>unclosed</content></article>')),
      /not well-formed XML: line 3/,
    );
    for (const unterminated of ['<!-- no end', '<![CDATA[ no end', '<?pi no end'])
      refused(() => fromAkomaNtoso(`<akomaNtoso>${unterminated}`), /not well-formed XML/);
    refused(() => fromAkomaNtoso(`<akomaNtoso>${'</a'.repeat(10_000)}`), /not well-formed XML: line 1: .{0,220}$/);
    refused(() => fromAkomaNtoso('<html><body/></html>'), /root element is <html>, not <akomaNtoso>/);
    refused(
      () => fromAkomaNtoso(wrap('<p/>', 'judgment', 'judgmentBody')),
      /holds an Akoma Ntoso <judgment>; Parley imports an act, a bill or a doc/,
    );
    refused(() => fromAkomaNtoso(wrap('<p>Only prose.</p>')), /holds no article, section, clause or paragraph/);
  });

  test('the importers tell Akoma Ntoso by its media type, or by the root element of an XML file', () => {
    const file = (text: string, mediaType: string) => ({ bytes: new TextEncoder().encode(text), mediaType });
    const akn = toAkomaNtoso(input(viewOf(version('v-1', { points: [point('pt-1', 1)] }))));
    assert.equal(isAkomaNtoso(file('', 'application/akn+xml')), true);
    assert.equal(isAkomaNtoso(file(akn, 'application/xml')), true);
    assert.equal(isAkomaNtoso(file(akn, 'text/xml; charset=utf-8')), true);
    assert.equal(isAkomaNtoso(file(`\ufeff<!-- a comment -->\n<akn:akomaNtoso xmlns:akn="x"/>`, '')), true);
    assert.equal(isAkomaNtoso(file('<!DOCTYPE akomaNtoso [<!ENTITY x "y">]><akomaNtoso/>', 'application/xml')), true);
    assert.equal(isAkomaNtoso(file('<?xml version="1.0"?><negotiation_template/>', 'application/xml')), false);
    assert.equal(isAkomaNtoso(file(akn, 'text/markdown')), false);
  });
});
