/**
 * The negotiable dimensions behind the points, each with its discrete options. The options are the
 * alternatives the sources put on the table (US draft, E3 counter-proposal, European statements,
 * Russian demands); grouping them into issues is our modelling.
 */
import type { Scenario } from '../scenario.ts';

type IssueData = Scenario['issues'][number];

function issue(
  id: string,
  name: string,
  description: string,
  pointIds: string[],
  options: [string, string, string][],
): IssueData {
  return {
    id,
    name,
    description,
    pointIds,
    options: options.map(([oid, label, desc]) => ({ id: oid, label, description: desc })),
  };
}

export const issues: IssueData[] = [
  issue(
    'issue-donetsk',
    'Territory: Kyiv-held Donetsk',
    'What happens to the part of Donetsk region Ukraine still holds.',
    ['pt-21'],
    [
      [
        'opt-donetsk-ceded',
        'Ukraine withdraws',
        'Ukraine pulls out; the area becomes a demilitarised buffer zone recognised as Russian.',
      ],
      [
        'opt-donetsk-contact-line',
        'Talks from the line of contact',
        'Any exchange of territory is negotiated starting from the current line of contact.',
      ],
      ['opt-donetsk-ukrainian', 'Stays Ukrainian', 'Ukraine keeps the area; no withdrawal is required.'],
    ],
  ),
  issue(
    'issue-recognition',
    'Recognition of occupied regions',
    'Whether Crimea, Luhansk and Donetsk are treated as Russian by the text and its guarantors.',
    ['pt-21', 'pt-22'],
    [
      [
        'opt-recog-de-facto',
        'De facto Russian',
        'The regions are recognised as de facto Russian, the United States included.',
      ],
      ['opt-recog-none', 'No recognition', 'No advance recognition; borders are not changed by force.'],
    ],
  ),
  issue(
    'issue-nato-membership',
    'Ukraine in NATO',
    "Whether Ukraine's path to NATO membership is closed.",
    ['pt-7', 'pt-3'],
    [
      [
        'opt-nato-ban',
        'Permanent ban',
        'Ukraine writes non-membership into its constitution and NATO bars it in its statutes.',
      ],
      [
        'opt-nato-consensus',
        'Left to NATO consensus',
        'Membership depends on a consensus of allies that does not exist today; no formal ban.',
      ],
      ['opt-nato-open', 'Path stays open', 'Earlier NATO summit decisions on Ukraine stand.'],
    ],
  ),
  issue(
    'issue-nato-enlargement',
    'NATO enlargement',
    'Whether the alliance commits not to enlarge further.',
    ['pt-3'],
    [
      ['opt-enlarge-no', 'No further enlargement', 'NATO undertakes not to take in new members.'],
      ['opt-enlarge-no-commitment', 'No commitment', 'The text says nothing binding about enlargement.'],
    ],
  ),
  issue(
    'issue-army-cap',
    "Ceiling on Ukraine's armed forces",
    'The size limit, if any, on Ukrainian forces.',
    ['pt-6'],
    [
      ['opt-army-600k', '600,000', 'Forces capped at 600,000 personnel.'],
      ['opt-army-800k', '800,000 in peacetime', 'Forces capped at 800,000 personnel in peacetime.'],
      ['opt-army-no-cap', 'No cap', 'No limit on the size of the armed forces.'],
    ],
  ),
  issue(
    'issue-foreign-troops',
    'Western troops in Ukraine',
    'Whether NATO or allied forces may be stationed in Ukraine.',
    ['pt-8', 'pt-9'],
    [
      ['opt-troops-no-nato', 'No NATO troops', 'No NATO troops on Ukrainian soil at any time.'],
      [
        'opt-troops-no-permanent',
        'No permanent NATO-command troops in peacetime',
        'Rules out only a permanent peacetime presence under NATO command.',
      ],
      [
        'opt-troops-reassurance',
        'Reassurance force allowed',
        'A multinational reassurance force of willing countries may deploy.',
      ],
    ],
  ),
  issue(
    'issue-security-guarantees',
    'Security guarantees for Ukraine',
    'Who guarantees Ukraine against a new attack, and on what terms.',
    ['pt-5', 'pt-9', 'pt-10'],
    [
      ['opt-guarantee-unnamed', 'Unspecified guarantees', 'Reliable guarantees with no guarantor named.'],
      [
        'opt-guarantee-us-paid',
        'US guarantee, paid and voidable',
        'A US guarantee for which the US is compensated, void if Ukraine strikes Russia without cause.',
      ],
      [
        'opt-guarantee-article5',
        'Article 5-like guarantee',
        'A US guarantee modelled on the NATO collective-defence clause.',
      ],
    ],
  ),
  issue(
    'issue-frozen-assets',
    'Frozen Russian assets',
    'What happens to Russian central-bank assets frozen in the West.',
    ['pt-14'],
    [
      [
        'opt-assets-us-vehicle',
        'US-led vehicles',
        '$100bn to a US-led rebuild fund with half the profit to the US; the rest to a US–Russia investment vehicle; European freezes lifted.',
      ],
      [
        'opt-assets-frozen',
        'Frozen until compensation',
        'Assets stay frozen until Russia pays for the damage done to Ukraine.',
      ],
      [
        'opt-assets-eu-reparations',
        'European reparations use',
        'Europeans decide; assets back a reparations loan to Ukraine.',
      ],
    ],
  ),
  issue(
    'issue-sanctions',
    'Sanctions and Russia’s reintegration',
    'How and when sanctions on Russia are lifted.',
    ['pt-13'],
    [
      [
        'opt-sanctions-phased-g8',
        'Phased relief, G8 return',
        'Sanctions lifted in stages; long-term US–Russia economic deal; Russia invited back to the G8.',
      ],
      [
        'opt-sanctions-snapback',
        'Gradual relief with snapback',
        'Relief in stages, reimposed automatically on a breach (earlier European 24-point plan, S16, S16b).',
      ],
      ['opt-sanctions-kept', 'Sanctions kept', 'No relief in the agreement itself.'],
    ],
  ),
  issue(
    'issue-amnesty',
    'Amnesty',
    'Whether all sides get an amnesty for acts committed during the war.',
    ['pt-26'],
    [
      ['opt-amnesty-full', 'Full amnesty', 'Full amnesty for everyone involved, and no claims in future.'],
      ['opt-amnesty-none', 'No amnesty clause', 'The text is silent; accountability is left to law and courts.'],
    ],
  ),
  issue(
    'issue-aid-audit',
    'Audit of international aid',
    'Whether aid given to Ukraine is audited and war profiteering punished.',
    ['pt-26', 'pt-aid-audit'],
    [
      [
        'opt-audit-full',
        'Full audit',
        'A full audit of aid to Ukraine, with punishment of war profiteers (reported in an earlier US draft).',
      ],
      ['opt-audit-none', 'No audit clause', 'The text contains no audit provision.'],
    ],
  ),
  issue(
    'issue-elections',
    'Elections in Ukraine',
    'When Ukraine holds elections.',
    ['pt-25'],
    [
      ['opt-elections-100-days', 'Within 100 days', 'Elections within 100 days of the agreement.'],
      [
        'opt-elections-after-martial-law',
        'After martial law ends',
        'Elections once martial law is lifted, on a date Ukraine sets.',
      ],
    ],
  ),
  issue(
    'issue-eu-role',
    'Role of the European Union',
    'Whether the EU decides on matters in its competence (accession, assets held in Europe, sanctions) or is handed outcomes.',
    ['pt-11', 'pt-13', 'pt-14'],
    [
      [
        'opt-eu-role-marginal',
        'Decided for Europe',
        'The text commits European money and measures without EU consent.',
      ],
      [
        'opt-eu-role-central',
        'Central EU role',
        'EU matters need EU consent and the EU has a central role in securing peace.',
      ],
    ],
  ),
  issue(
    'issue-npp',
    'Zaporizhzhia nuclear plant',
    'Who runs the plant and takes its power.',
    ['pt-19'],
    [
      [
        'opt-npp-shared',
        'Shared 50/50 under IAEA',
        'Restarted under IAEA supervision, output split equally between Russia and Ukraine.',
      ],
      [
        'opt-npp-ukraine',
        'Returned to Ukraine',
        'The plant returns to Ukrainian control (as in the earlier European 24-point plan reported on 23 Nov, S16, S16b).',
      ],
    ],
  ),
  issue(
    'issue-ceasefire',
    'Sequence of ceasefire',
    'Whether fighting stops before or after the territorial terms are met.',
    ['pt-28'],
    [
      [
        'opt-ceasefire-after-withdrawal',
        'After signature and pull-back',
        'Ceasefire once all sign and forces withdraw to the agreed positions.',
      ],
      [
        'opt-ceasefire-first',
        'Ceasefire first',
        'Fighting stops first; territory is discussed afterwards, from the line of contact (earlier European 24-point plan, S16, S16b).',
      ],
    ],
  ),
];
