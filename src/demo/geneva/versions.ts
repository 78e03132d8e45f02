/**
 * The texts of the demo: the earlier US draft with the aid audit (reconstructed), the leaked US
 * 28-point draft made from it with Ukraine's two amendments, the E3 counter-proposal branched from it,
 * the post-Geneva 19-point framework, and the mediators' single negotiating text drawn from the 28
 * points, on which the amendments of the table are pending (`amendments.ts`). Points keep their `pt-N`
 * id (N = number in the US draft) through every version and are renumbered when earlier points go.
 */
import type { Bracket, Point } from '../../core/model.ts';
import type { ScenarioVersion } from '../scenario.ts';
import { ARTICLE, cite, illustrative } from './sources.ts';
import { withTranslations } from './translations.ts';

function pt(n: number, title: string, text: string, issueIds: string[] = []): Point {
  return { id: `pt-${n}`, number: n, title, text, brackets: [], issueIds, trackId: null };
}

/** The 28 points as leaked on 20 Nov 2025, in our words (brief §1; title = the brief's tag). */
const us28Points: Point[] = [
  pt(1, 'sovereignty', "Ukraine's sovereignty is confirmed."),
  pt(
    2,
    'non-aggression',
    'Russia, Ukraine and Europe conclude a pact of non-aggression, and all disputes of the last thirty years are treated as closed.',
  ),
  pt(3, 'NATO enlargement', 'Russia is expected not to attack its neighbours, and NATO is not to expand any further.', [
    'issue-nato-enlargement',
  ]),
  pt(4, 'Russia–NATO dialogue', 'With US mediation, Russia and NATO hold talks on security and de-escalation.'),
  pt(5, 'security guarantees', 'Ukraine receives reliable security guarantees; the text does not say from whom.', [
    'issue-security-guarantees',
  ]),
  pt(6, 'armed forces size', "Ukraine's armed forces are limited to 600,000 personnel.", ['issue-army-cap']),
  pt(
    7,
    'NATO membership',
    'Ukraine writes into its constitution that it will not join NATO, and NATO writes into its statutes that Ukraine will never be admitted.',
    ['issue-nato-membership'],
  ),
  pt(8, 'foreign troops', 'NATO does not station troops in Ukraine.', ['issue-foreign-troops']),
  pt(9, 'deterrence', 'European fighter aircraft are based in Poland.', [
    'issue-foreign-troops',
    'issue-security-guarantees',
  ]),
  pt(
    10,
    'security guarantees (US)',
    'The United States is paid for the guarantee it gives. The guarantee lapses if Ukraine invades Russia or fires on Moscow or St Petersburg without cause. If Russia invades, there is a military response, sanctions return, and recognition and other benefits are withdrawn.',
    ['issue-security-guarantees'],
  ),
  pt(11, 'EU accession', 'Ukraine may join the European Union and meanwhile gets preferential access to its market.', [
    'issue-eu-role',
  ]),
  pt(
    12,
    'reconstruction',
    'A Ukraine Development Fund invests in technology, data centres and AI; the US partners with Ukraine on gas pipelines and storage; infrastructure, rebuilding and mining are financed, with the World Bank taking part.',
  ),
  pt(
    13,
    'sanctions / Russia reintegration',
    'Sanctions on Russia are lifted in stages; the US and Russia agree a long-term economic partnership; Russia is invited back into the G8.',
    ['issue-sanctions', 'issue-eu-role'],
  ),
  pt(
    14,
    'frozen assets',
    'Of the frozen Russian assets, $100bn goes to a US-led rebuilding vehicle, which pays half its profit to the US; Europe adds $100bn of its own; European freezes are lifted; what remains goes to a joint US–Russia investment vehicle.',
    ['issue-frozen-assets', 'issue-eu-role'],
  ),
  pt(15, 'implementation', 'A joint US–Russia working group on security oversees that the agreement is kept.'),
  pt(16, 'non-aggression (Russia)', 'Russia passes a law committing it to non-aggression towards Europe and Ukraine.'),
  pt(
    17,
    'arms control',
    'The US and Russia prolong their non-proliferation and arms-control treaties, START among them.',
  ),
  pt(18, 'nuclear status', 'Ukraine remains a non-nuclear state under the Non-Proliferation Treaty.'),
  pt(
    19,
    'nuclear plant',
    'The Zaporizhzhia nuclear plant restarts under IAEA supervision and its power is divided equally between Russia and Ukraine.',
    ['issue-npp'],
  ),
  pt(
    20,
    'culture/minorities',
    'Both countries teach tolerance; Ukraine applies EU rules on religious and linguistic minorities; discriminatory measures are lifted and rights to media and schooling are guaranteed on each side; Nazi ideology is banned.',
  ),
  pt(
    21,
    'territory',
    'Crimea, Luhansk and Donetsk are treated as de facto Russian, the United States included. Kherson and Zaporizhzhia are frozen along the line of contact. Russia gives up the other areas it holds outside these five regions. Ukraine withdraws from the part of Donetsk it controls, which becomes a demilitarised buffer zone recognised as Russian.',
    ['issue-donetsk', 'issue-recognition'],
  ),
  pt(
    22,
    'territory (non-use of force)',
    'Neither side may change the agreed lines by force; whoever does loses the guarantees.',
  ),
  pt(
    23,
    'navigation',
    'Ukraine keeps commercial use of the Dnipro river, and grain is shipped freely across the Black Sea.',
  ),
  pt(
    24,
    'humanitarian',
    'A committee oversees the exchange of all prisoners and bodies, the return of civilians and children, and the reunion of families.',
  ),
  pt(25, 'elections', 'Ukraine holds elections within 100 days.', ['issue-elections']),
  pt(26, 'amnesty', 'Everyone involved in the war receives full amnesty, and no claims may be brought later.', [
    'issue-amnesty',
    'issue-aid-audit',
  ]),
  pt(
    27,
    'enforcement',
    'The agreement binds in law; a Peace Council chaired by President Trump oversees it, and breaches are sanctioned.',
  ),
  pt(
    28,
    'ceasefire',
    'The ceasefire takes effect once every side has signed and forces have pulled back to the agreed positions.',
    ['issue-ceasefire'],
  ),
];

/**
 * The earlier US draft the WSJ reported (S43): a full audit of aid to Ukraine and punishment of war
 * profiteers where the leaked text has the amnesty. Only that point's substance was reported; its
 * wording, its place (point 26, id `pt-aid-audit`) and the rest of the draft (here the leaked 28 points) are
 * reconstructed.
 */
const auditPoint: Point = {
  ...pt(
    26,
    'aid audit',
    'International aid to Ukraine is audited in full, and those who profited from the war are punished.',
    ['issue-aid-audit'],
  ),
  // Not the amnesty's `pt-26`: Ukraine's amendments delete this point and add the amnesty as a new one.
  id: 'pt-aid-audit',
};
export const earlyPoints: Point[] = us28Points.map((p) => (p.id === 'pt-26' ? auditPoint : p));
export { us28Points };

type PointEdit = Partial<Pick<Point, 'title' | 'text' | 'brackets' | 'issueIds' | 'trackId'>>;

/** Derives a version's points from a base: keeps `keep` (in base order), applies edits, renumbers 1..n. */
function derive(base: Point[], keep: (id: string) => boolean, edits: Record<string, PointEdit>): Point[] {
  return base.filter((p) => keep(p.id)).map((p, index) => ({ ...p, ...edits[p.id], number: index + 1 }));
}

/**
 * The single negotiating text keeps one contested clause in brackets, where none of the pending
 * amendments reaches: how sanctions on Russia end. The US text lifts them in stages (S5); the Europeans
 * ease them in stages with an automatic return on a breach (S16, S16b) and hold that EU sanctions are
 * the EU's to decide (S19). The bracketing itself is illustrative.
 */
const tableEdits: Record<string, PointEdit> = {
  'pt-13': {
    text: 'Sanctions on Russia are [[br-sanctions]]; the US and Russia agree a long-term economic partnership; Russia is invited back into the G8.',
    brackets: [
      bracket(
        'br-sanctions',
        ['lifted in stages', ['us']],
        [
          'eased in stages as the agreement is implemented and return automatically on a breach; decisions on EU sanctions rest with the EU',
          ['e3', 'eu'],
        ],
      ),
    ],
  },
};

/** The E3 changes (brief: "E3 counter-proposal, point by point"; S11, S2, S12–S15). */
const e3Edits: Record<string, PointEdit> = {
  'pt-2': {
    text: 'Russia, Ukraine and NATO conclude a pact of non-aggression, and all disputes of the last thirty years are treated as closed.',
  },
  'pt-4': {
    text: 'Once the agreement is signed, Russia and NATO open talks, mediated by the US, on security and de-escalation.',
  },
  'pt-5': { text: 'Ukraine receives robust security guarantees.' },
  'pt-6': { text: "In peacetime Ukraine's armed forces are limited to 800,000 personnel." },
  'pt-7': {
    text: "Ukraine's accession to NATO depends on a consensus of the allies, and that consensus does not exist today.",
  },
  'pt-8': { text: 'NATO does not permanently station troops under its command in Ukraine in peacetime.' },
  'pt-9': { text: 'NATO fighter aircraft are based in Poland.' },
  'pt-10': {
    text: 'The United States gives Ukraine a guarantee that mirrors Article 5 of the North Atlantic Treaty. (The reported text does not show the clause on strikes at Moscow or St Petersburg.)',
  },
  'pt-14': { text: 'Frozen Russian assets stay frozen until Russia compensates Ukraine for the damage it has caused.' },
  'pt-21': {
    text: 'Talks on exchanging territory start from the line of contact, with no advance recognition of any area as Russian. Ukraine undertakes not to recover occupied territory by military means.',
  },
};

/**
 * Post-Geneva framework. The sources give only the count (19, S19, S22, S35), the dropped amnesty
 * (S42), and that territory and the NATO questions were left in brackets for the presidents (S20, S21).
 * Which other points went, and the merged wording, are our illustrative choice.
 */
const dropped19 = new Set(['pt-3', 'pt-9', 'pt-10', 'pt-15', 'pt-16', 'pt-17', 'pt-20', 'pt-23', 'pt-26']);

const track = 'track-eu-nato';

/** A bracket; an alternative may name the options it stands for (for the red-line report). */
function bracket(
  id: string,
  ...alternatives: ([string, string[]] | [string, string[], Record<string, string>])[]
): Bracket {
  return {
    id,
    alternatives: alternatives.map(([text, proposedBy, choices]) => ({
      text,
      proposedBy,
      ...(choices ? { choices } : {}),
    })),
  };
}

const geneva19Edits: Record<string, PointEdit> = {
  'pt-2': {
    text: 'Russia, Ukraine and Europe conclude a pact of non-aggression, which Russia also writes into its own law.',
  },
  'pt-4': {
    trackId: track,
    text: 'Once the agreement is signed, Russia and NATO open talks, mediated by the US, on security and de-escalation.',
  },
  'pt-5': {
    title: 'security guarantees',
    issueIds: ['issue-security-guarantees'],
    text: "Ukraine receives robust, long-term security guarantees, including a US guarantee modelled on Article 5; the guarantee lapses for a side that breaches the agreement. European partners' deterrence contributions are set out separately.",
  },
  'pt-6': { text: "In peacetime Ukraine's armed forces are limited to 800,000 personnel." },
  'pt-7': {
    trackId: track,
    issueIds: ['issue-nato-membership', 'issue-nato-enlargement'],
    text: 'On NATO: [[br-nato-membership]]',
    brackets: [
      bracket(
        'br-nato-membership',
        [
          'Ukraine writes non-membership into its constitution, and NATO undertakes not to admit Ukraine or enlarge further.',
          ['us'],
        ],
        [
          "Ukraine's accession depends on a consensus of the allies; Ukraine's right to choose its alliances is respected.",
          ['ua', 'e3'],
        ],
      ),
    ],
  },
  'pt-8': {
    trackId: track,
    text: 'On foreign forces: [[br-foreign-troops]]',
    brackets: [
      bracket(
        'br-foreign-troops',
        ['NATO does not station troops in Ukraine.', ['us']],
        [
          'NATO does not permanently station troops under its command in Ukraine in peacetime; a reassurance force of willing countries is not excluded.',
          ['ua', 'e3'],
        ],
      ),
    ],
  },
  'pt-11': {
    trackId: track,
    text: 'Ukraine may join the European Union and meanwhile gets preferential access to its market; Ukraine applies EU standards on religious and linguistic minorities.',
  },
  'pt-13': {
    trackId: track,
    text: 'Sanctions on Russia are eased in stages as the agreement is implemented and return automatically on a breach; decisions on EU sanctions rest with the EU.',
  },
  'pt-14': {
    trackId: track,
    text: 'Frozen Russian assets: [[br-frozen-assets]]',
    brackets: [
      bracket(
        'br-frozen-assets',
        [
          '$100bn goes to a US-led rebuilding vehicle, which pays half its profit to the US; the rest goes to a joint US–Russia investment vehicle.',
          ['us'],
        ],
        [
          'The assets stay frozen until Russia compensates Ukraine; Europeans decide on the assets held in Europe.',
          ['e3', 'eu'],
        ],
      ),
    ],
  },
  'pt-18': {
    text: 'Ukraine remains a non-nuclear state under the Non-Proliferation Treaty; the US and Russia pursue arms control separately.',
  },
  'pt-21': {
    text: 'Territory: [[br-donetsk]] Status of Crimea, Luhansk and Donetsk: [[br-recognition]] Kherson and Zaporizhzhia are frozen along the line of contact. (Left for the two presidents.)',
    brackets: [
      bracket(
        'br-donetsk',
        [
          'Ukraine withdraws from the part of Donetsk it controls, which becomes a demilitarised buffer zone.',
          ['us'],
          { 'issue-donetsk': 'opt-donetsk-ceded' },
        ],
        [
          'Any exchange of territory is negotiated from the line of contact and needs Ukraine’s constitutional procedure.',
          ['ua'],
          { 'issue-donetsk': 'opt-donetsk-contact-line' },
        ],
      ),
      bracket(
        'br-recognition',
        [
          'treated as de facto Russian, the United States included.',
          ['us'],
          { 'issue-recognition': 'opt-recog-de-facto' },
        ],
        [
          'not recognised by any party; borders are not changed by force.',
          ['ua'],
          { 'issue-recognition': 'opt-recog-none' },
        ],
      ),
    ],
  },
  'pt-24': {
    text: 'A committee oversees the exchange of all prisoners and bodies, the return of civilians and of all deported children, and the reunion of families.',
  },
  'pt-25': { text: 'Ukraine holds elections as soon as possible after martial law ends.' },
  'pt-27': {
    text: 'The agreement binds in law; a Peace Council chaired by President Trump, supported by a joint security working group, oversees it, and breaches are sanctioned.',
  },
};

const ALL_PARTIES = ['us', 'ua', 'ru', 'eu', 'fr', 'de', 'uk', 'e3'];

const us28Choices = {
  'issue-donetsk': 'opt-donetsk-ceded',
  'issue-recognition': 'opt-recog-de-facto',
  'issue-nato-membership': 'opt-nato-ban',
  'issue-nato-enlargement': 'opt-enlarge-no',
  'issue-army-cap': 'opt-army-600k',
  'issue-foreign-troops': 'opt-troops-no-nato',
  'issue-security-guarantees': 'opt-guarantee-us-paid',
  'issue-frozen-assets': 'opt-assets-us-vehicle',
  'issue-sanctions': 'opt-sanctions-phased-g8',
  'issue-amnesty': 'opt-amnesty-full',
  'issue-aid-audit': 'opt-audit-none',
  'issue-elections': 'opt-elections-100-days',
  'issue-eu-role': 'opt-eu-role-marginal',
  'issue-npp': 'opt-npp-shared',
  'issue-ceasefire': 'opt-ceasefire-after-withdrawal',
};

export const versions: ScenarioVersion[] = [
  {
    id: 'v-us-early',
    parentId: null,
    kind: 'draft',
    label: 'Earlier US draft, with the aid audit (before 20 Nov 2025)',
    summary:
      'An earlier US draft that, according to a US official quoted by the WSJ, required a full audit of international aid to Ukraine and punishment of war profiteers; Kyiv asked for it to be removed and for language granting full amnesty, and the leaked 28-point text has the amnesty instead (S43). Reconstructed: only the audit point was reported, so the rest is the leaked 28 points; its wording, its place as point 26, its date and that only the US and Ukraine held it are our choice.',
    authorPartyId: 'us',
    internal: false,
    points: earlyPoints,
    optionChoices: { ...us28Choices, 'issue-amnesty': 'opt-amnesty-none', 'issue-aid-audit': 'opt-audit-full' },
    source: `${cite('S43', ARTICLE)}; wording, date and recipients: ${illustrative('only the audit clause was reported', 'S43')}`,
    createdAt: '2025-11-18',
    createdBy: null,
    // Superseded by the 28 points: withdrawn when they were issued, so it waits for no approval (our choice).
    withdrawnAt: '2025-11-20T08:00:00Z',
    recipientPartyIds: ['us', 'ua'],
  },
  {
    id: 'v-us-28',
    parentId: 'v-us-early',
    kind: 'draft',
    label: 'US 28-point plan (20 Nov 2025)',
    summary:
      'The US draft handed to President Zelensky in Kyiv on 20 Nov 2025 and published the same day. It asks Ukraine to leave the part of Donetsk it holds, closes its way to NATO, caps its army at 600,000, grants a full amnesty and puts frozen Russian assets into US-led vehicles. Points 12 and 13 are rebuilt from summaries. Who drafted it is disputed (Witkoff with Dmitriev according to media; Witkoff and Rubio according to the White House).',
    authorPartyId: 'us',
    internal: false,
    points: us28Points,
    optionChoices: us28Choices,
    source: `${cite('S1', 'S2', 'S3', 'S3b', 'S4', 'S5', 'S6', 'S7', 'S8', 'S9', 'S9b', 'S10', 'S13', 'S15', 'S28', 'S36b', 'S50')}; issue options: our reading of the text`,
    createdAt: '2025-11-20',
    createdBy: 'u-driscoll',
    recipientPartyIds: ALL_PARTIES,
  },
  {
    id: 'v-e3-counter',
    parentId: 'v-us-28',
    kind: 'proposal',
    label: 'E3 counter-proposal (23 Nov 2025)',
    summary:
      'The counter-text France, Germany and the UK put forward in Geneva. It deletes point 3 and has no amnesty point (so 26 points, renumbered), raises the army ceiling to 800,000 in peacetime, makes NATO membership a matter of allied consensus, offers a US guarantee mirroring Article 5, keeps frozen assets frozen until Russia pays compensation, and starts territorial talks from the line of contact. Points 11–13, 16, 18, 19 and 24 are essentially kept. The wording of points 20, 22, 23, 25, 27 and 28 was not retrieved, and points 1, 15 and 17 are not described: here they keep the US text, which is a gap in the record, not a reported fact. Recipients include Russia because the text was published by Reuters and Kremlin aide Ushakov rejected it on 24 Nov; whether it was ever formally handed to Moscow is not reported.',
    authorPartyId: 'e3',
    internal: false,
    points: derive(us28Points, (id) => id !== 'pt-3' && id !== 'pt-26', e3Edits),
    optionChoices: {
      'issue-donetsk': 'opt-donetsk-contact-line',
      'issue-recognition': 'opt-recog-none',
      'issue-nato-membership': 'opt-nato-consensus',
      'issue-nato-enlargement': 'opt-enlarge-no-commitment',
      'issue-army-cap': 'opt-army-800k',
      'issue-foreign-troops': 'opt-troops-no-permanent',
      'issue-security-guarantees': 'opt-guarantee-article5',
      'issue-frozen-assets': 'opt-assets-frozen',
      'issue-sanctions': 'opt-sanctions-phased-g8',
      'issue-amnesty': 'opt-amnesty-none',
      'issue-aid-audit': 'opt-audit-none',
      'issue-elections': 'opt-elections-100-days',
      'issue-eu-role': 'opt-eu-role-central',
      'issue-npp': 'opt-npp-shared',
      'issue-ceasefire': 'opt-ceasefire-after-withdrawal',
    },
    source: `${cite('S11', 'S2', 'S12', 'S13', 'S14', 'S15', 'S38', 'S56')}; elections and ceasefire choices follow the unretrieved points kept from the US text, and the EU-role choice is our reading: ${illustrative('not reported')}`,
    createdAt: '2025-11-23T09:00:00+01:00',
    createdBy: null,
    recipientPartyIds: ['e3', 'fr', 'de', 'uk', 'ua', 'us', 'eu', 'ru'],
  },
  {
    id: 'v-geneva-19',
    parentId: 'v-us-28',
    kind: 'draft',
    label: 'Post-Geneva framework (19 points, 24 Nov 2025)',
    summary:
      "The 'updated and refined peace framework' the US and Ukrainian delegations drafted together in Geneva, cut from 28 to 19 points (reported by the FT, S19). Reported: the amnesty point is gone (S42), and territory and the NATO questions were left open for the two presidents (S20, S21). Illustrative (not reported): which other points were dropped or merged (3 into 7; 9 and 10 into 5; 15 into 27; 16 into 2; 17 into 18; 20 into 11; 23 dropped), all revised wording, the 800,000 ceiling (reported only via an aggregator with low confidence, S52), and the bracket alternatives. Points touching EU or NATO competences (4, 7, 8, 11, 13, 14 in the US numbering) sit in the separate EU–NATO track (Stubb, 24 Nov). Recipients: the US and Ukraine, which wrote it, and the European delegations consulted in Geneva (the joint statement promises close contact with European partners; our choice). Russia receives it only when both presidents have approved it.",
    authorPartyId: 'us',
    internal: false,
    points: withTranslations(derive(us28Points, (id) => !dropped19.has(id), geneva19Edits)),
    optionChoices: {
      'issue-army-cap': 'opt-army-800k',
      'issue-security-guarantees': 'opt-guarantee-article5',
      'issue-sanctions': 'opt-sanctions-snapback',
      'issue-amnesty': 'opt-amnesty-none',
      'issue-aid-audit': 'opt-audit-none',
      'issue-elections': 'opt-elections-after-martial-law',
      'issue-eu-role': 'opt-eu-role-central',
      'issue-npp': 'opt-npp-shared',
      'issue-ceasefire': 'opt-ceasefire-after-withdrawal',
    },
    source: `${cite('S17', 'S18', 'S19', 'S20', 'S21', 'S22', 'S35', 'S42', ARTICLE)}; point selection, wording, brackets and most option choices: ${illustrative('the sources do not say which points changed', 'S52')}`,
    createdAt: '2025-11-24T10:00:00+01:00',
    createdBy: 'u-us',
    recipientPartyIds: ['us', 'ua', 'eu', 'e3', 'fr', 'de', 'uk'],
  },
  {
    id: 'v-table-28',
    parentId: 'v-us-28',
    kind: 'draft',
    label: 'Single negotiating text (the 28 points, 23 Nov 2025)',
    summary:
      'The mediators put the US 28 points on the table as the single negotiating text, so that the parties amend one text and the mediators hold its pen. Illustrative (not reported): the demo’s mediator is fictional and no such text was reported. The E3 counter-proposal’s main changes are pending on it as the E3’s amendments, tabled to the table (S11, S2, S12–S15).',
    authorPartyId: null,
    internal: false,
    points: derive(us28Points, () => true, tableEdits),
    optionChoices: us28Choices,
    source: `the 28 points as leaked: ${cite('S1', 'S2', 'S8')}; the bracket in point 13: ${cite('S5', 'S16', 'S16b', 'S19')}; the single negotiating text: ${illustrative('the demo’s mediator is fictional')}`,
    createdAt: '2025-11-23T08:00:00+01:00',
    createdBy: 'u-mediator',
    recipientPartyIds: ALL_PARTIES,
  },
];

/** The ids of the points in the EU–NATO track (those of v-geneva-19 with the track set). */
export const trackPointIds: string[] = (versions.find((v) => v.id === 'v-geneva-19')?.points ?? [])
  .filter((p) => p.trackId === track)
  .map((p) => p.id);
