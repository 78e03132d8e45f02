/**
 * The demo's amendments, in two places.
 *
 * 1. Ukraine's two amendments to the earlier US draft (`v-us-early`): delete the aid-audit point and
 *    add language granting full amnesty. Reported (S43, and the seed article's headlines): an earlier US
 *    draft required a full audit of aid to Ukraine and punishment of war profiteers; Kyiv asked for it
 *    to be removed and for full amnesty; the leaked 28-point text has the amnesty as point 26.
 *    Reconstructed: the audit point's wording (see versions.ts), that the request took the form of two
 *    amendments, who in Kyiv proposed and tabled them (not reported), and the dates. Ukraine tabled them
 *    to the mediators, which for a party's text means also its pen-holder, the US; the US accepted both
 *    and consolidated them into `v-us-28`, whose point 26 therefore says it came from Ukraine's
 *    amendment, but only to the US, Ukraine and the mediators: Russia and the Europeans never learn
 *    whose words the amnesty is (they were not tabled to the table).
 * 2. On the mediators' single negotiating text (`v-table-28`, the 28 points): the E3 counter-proposal's
 *    main changes as the E3's amendments, tabled to the table (S11, S2, S12–S15; the wording is that of
 *    `v-e3-counter`), and two of Ukraine's, tabled to the mediators only (illustrative (not reported):
 *    the wording is that of the illustrative 19-point text). All pending, for the mediator to accept or
 *    reject and consolidate.
 */
import type { AmendmentChange } from '../../core/amendments.ts';
import type { Point } from '../../core/model.ts';
import type { ScenarioAmendment } from '../scenario.ts';
import { us28Points } from './versions.ts';

/** Replaces `quote` (found in the point's text of the 28 points) with `text`. */
function replace(pointId: string, quote: string, text: string, points: Point[] = us28Points): AmendmentChange {
  const point = points.find((p) => p.id === pointId);
  const start = point?.text.indexOf(quote) ?? -1;
  if (!point || start < 0) throw new Error(`demo amendment: “${quote}” is not in ${pointId}`);
  return { kind: 'replace', pointId, field: 'text', start, end: start + quote.length, quote, text };
}

/** Replaces a point's whole text. */
function rewrite(pointId: string, text: string): AmendmentChange {
  return replace(pointId, us28Points.find((p) => p.id === pointId)!.text, text);
}

const amnesty = us28Points.find((p) => p.id === 'pt-26')!;

const E3_CITE = 'E3 counter-proposal (S11, S2, S12–S15)';

/** An E3 amendment to the single negotiating text, tabled to the table on 23 Nov. */
function e3(id: string, change: AmendmentChange, justification: string): ScenarioAmendment {
  return {
    id,
    versionId: 'v-table-28',
    partyId: 'e3',
    change,
    justification: `${justification} (${E3_CITE})`,
    createdBy: 'u-fr',
    createdAt: '2025-11-23T09:00:00+01:00',
    tabledTo: 'table',
    tabledAt: '2025-11-23T09:05:00+01:00',
    decision: null,
  };
}

export const amendments: ScenarioAmendment[] = [
  {
    id: 'am-ua-aid-audit',
    versionId: 'v-us-early',
    partyId: 'ua',
    change: { kind: 'deletePoint', pointId: 'pt-aid-audit', quote: 'aid audit' },
    justification: 'Kyiv asks for the audit of international aid to be removed from the plan (S43).',
    createdBy: 'u-ua',
    createdAt: '2025-11-18T12:00:00+02:00',
    tabledTo: 'mediators',
    tabledAt: '2025-11-18T12:30:00+02:00',
    decision: { decision: 'accept', note: '', at: '2025-11-19T09:00:00-05:00' },
    consolidatedIn: 'v-us-28',
  },
  {
    id: 'am-ua-amnesty',
    versionId: 'v-us-early',
    partyId: 'ua',
    change: { kind: 'addPoint', afterPointId: 'pt-25', title: amnesty.title, text: amnesty.text },
    justification:
      'Kyiv asks for language granting full amnesty for acts committed during the war in place of the audit (S43).',
    createdBy: 'u-ua',
    createdAt: '2025-11-18T12:05:00+02:00',
    tabledTo: 'mediators',
    tabledAt: '2025-11-18T12:30:00+02:00',
    decision: { decision: 'accept', note: '', at: '2025-11-19T09:00:00-05:00' },
    consolidatedIn: 'v-us-28',
    newPointId: 'pt-26',
  },

  e3(
    'am-e3-non-aggression',
    replace('pt-2', 'Europe', 'NATO'),
    'The non-aggression pact is between Russia, Ukraine and NATO',
  ),
  e3('am-e3-enlargement', { kind: 'deletePoint', pointId: 'pt-3', quote: 'NATO enlargement' }, 'Point 3 is deleted'),
  e3(
    'am-e3-dialogue',
    rewrite(
      'pt-4',
      'Once the agreement is signed, Russia and NATO open talks, mediated by the US, on security and de-escalation.',
    ),
    'The Russia–NATO dialogue starts once the agreement is signed',
  ),
  e3(
    'am-e3-guarantees',
    replace('pt-5', 'reliable security guarantees; the text does not say from whom.', 'robust security guarantees.'),
    'Robust security guarantees',
  ),
  e3(
    'am-e3-army',
    rewrite('pt-6', "In peacetime Ukraine's armed forces are limited to 800,000 personnel."),
    'The army ceiling is 800,000 in peacetime',
  ),
  e3(
    'am-e3-nato',
    rewrite(
      'pt-7',
      "Ukraine's accession to NATO depends on a consensus of the allies, and that consensus does not exist today.",
    ),
    'Membership is a matter of allied consensus, which does not exist today',
  ),
  e3(
    'am-e3-troops',
    rewrite('pt-8', 'NATO does not permanently station troops under its command in Ukraine in peacetime.'),
    'No permanent NATO-command troops in peacetime',
  ),
  e3('am-e3-jets', replace('pt-9', 'European', 'NATO'), 'NATO fighter aircraft in Poland'),
  e3(
    'am-e3-us-guarantee',
    replace(
      'pt-10',
      'The United States is paid for the guarantee it gives.',
      'The United States gives Ukraine a guarantee that mirrors Article 5 of the North Atlantic Treaty.',
    ),
    'A US guarantee mirroring Article 5 (the reported text does not show the clause on Moscow and St Petersburg; it is left as it stands)',
  ),
  e3(
    'am-e3-assets',
    rewrite(
      'pt-14',
      'Frozen Russian assets stay frozen until Russia compensates Ukraine for the damage it has caused.',
    ),
    'Frozen assets stay frozen until Russia pays compensation',
  ),
  e3(
    'am-e3-territory',
    rewrite(
      'pt-21',
      'Talks on exchanging territory start from the line of contact, with no advance recognition of any area as Russian. Ukraine undertakes not to recover occupied territory by military means.',
    ),
    'Territorial talks start from the line of contact; Ukraine forgoes recovering territory by force',
  ),
  e3(
    'am-e3-amnesty',
    { kind: 'deletePoint', pointId: 'pt-26', quote: 'amnesty' },
    'The counter-proposal has no amnesty point (S14)',
  ),

  {
    id: 'am-ua-children',
    versionId: 'v-table-28',
    partyId: 'ua',
    change: replace('pt-24', 'civilians and children', 'civilians and of all deported children'),
    justification: 'Every deported child comes home. Illustrative (not reported): the wording of the 19-point text.',
    createdBy: 'u-umerov',
    createdAt: '2025-11-23T10:00:00+01:00',
    tabledTo: 'mediators',
    tabledAt: '2025-11-23T10:30:00+01:00',
    decision: null,
  },
  {
    id: 'am-ua-elections',
    versionId: 'v-table-28',
    partyId: 'ua',
    change: replace('pt-25', 'within 100 days', 'as soon as possible after martial law ends'),
    justification:
      'Elections cannot be held under martial law. Illustrative (not reported): the wording of the 19-point text.',
    createdBy: 'u-umerov',
    createdAt: '2025-11-23T10:05:00+01:00',
    tabledTo: 'mediators',
    tabledAt: '2025-11-23T10:30:00+01:00',
    decision: null,
  },
];
