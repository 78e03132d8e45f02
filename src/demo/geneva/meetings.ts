/**
 * Meetings, public statements, the separate EU–NATO format and the approval chain of the post-Geneva
 * text. Quotes are short and limited to what officials said, as reported by the cited sources.
 */
import type { Scenario } from '../scenario.ts';
import { ARTICLE, cite, illustrative } from './sources.ts';
import { trackPointIds } from './versions.ts';

export const rounds: Scenario['rounds'] = [
  {
    id: 'round-kyiv',
    title: 'US plan delivered in Kyiv',
    startsOn: '2025-11-19',
    endsOn: '2025-11-20',
    place: 'Kyiv',
    participants: [
      { partyId: 'us', people: ['Daniel Driscoll', 'Gen. Randy George', 'Gen. Christopher Donahue', 'SMA Michael Weimer'] },
      { partyId: 'ua', people: ['Volodymyr Zelensky'] },
    ],
    agendaPointIds: ['pt-21', 'pt-7', 'pt-6', 'pt-5', 'pt-28'],
    versionId: 'v-us-28',
    outcomeVersionId: null,
    outcome: 'Army Secretary Driscoll handed the 28-point plan to President Zelensky; both sides agreed on a "tight signing timetable". The same day the text was published.',
    statements: [],
    source: cite('S28', 'S29', 'S10', 'S1'),
  },
  {
    id: 'round-geneva',
    title: 'Geneva talks',
    startsOn: '2025-11-23',
    endsOn: '2025-11-23',
    place: 'Geneva',
    participants: [
      { partyId: 'us', people: ['Marco Rubio', 'Steve Witkoff', 'Daniel Driscoll', 'Jared Kushner'] },
      { partyId: 'ua', people: ['Andriy Yermak', 'Rustem Umerov', 'Kyrylo Budanov', 'Andrii Hnatov', 'Serhiy Kyslytsya', 'Oleksandr Bevz'] },
      { partyId: 'fr', people: ['Emmanuel Bonne'] },
      { partyId: 'de', people: ['Günter Sautter'] },
      { partyId: 'uk', people: ['Jonathan Powell'] },
      { partyId: 'eu', people: ['Björn Seibert'] },
    ],
    agendaPointIds: ['pt-21', 'pt-7', 'pt-3', 'pt-6', 'pt-5', 'pt-10', 'pt-14', 'pt-26', 'pt-25'],
    versionId: 'v-us-28',
    outcomeVersionId: 'v-geneva-19',
    outcome:
      'The Ukrainian delegation met the E3 national security advisers first, then the US team; the E3 tabled a counter-proposal. The US and Ukraine drafted an "updated and refined peace framework", reported the next day as 19 points. Territory and the NATO questions were left for the two presidents. Rubio: the final text must be approved by Zelensky and Trump before it goes to Moscow. Italy also sent an official.',
    statements: [
      {
        id: 'rs-geneva-joint',
        title: 'Joint statement of the United States and Ukraine',
        date: '2025-11-23',
        text:
          'The talks were "constructive, focused, and respectful" and showed "meaningful progress toward aligning positions and identifying clear next steps". Any deal "must fully uphold Ukraine\'s sovereignty and deliver a sustainable and just peace". "The parties drafted an updated and refined peace framework." Ukraine thanked the US and President Trump. Work on joint proposals continues in the coming days, in close contact with European partners; final decisions rest with the two presidents. (The article renders the same statement in other words: "substantial progress in narrowing differences".)',
        signatoryPartyIds: ['us', 'ua'],
        source: cite('S17', 'S18', ARTICLE),
      },
    ],
    source: cite('S59', 'S22', 'S24', 'S25', 'S26', 'S27', 'S11', 'S19', 'S20', 'S21', ARTICLE),
  },
  {
    id: 'round-abu-dhabi',
    title: 'US–Russia contacts in Abu Dhabi',
    startsOn: '2025-11-24',
    endsOn: '2025-11-25',
    place: 'Abu Dhabi',
    participants: [
      { partyId: 'us', people: ['Daniel Driscoll'] },
      { partyId: 'ru', people: ['Russian officials (names not reported)'] },
    ],
    agendaPointIds: ['pt-21', 'pt-7', 'pt-6'],
    versionId: 'v-geneva-19',
    outcomeVersionId: null,
    outcome:
      'Driscoll took the roughly 19-point text to Russian officials. On 25 Nov a US official said "the Ukrainians have agreed" and Umerov spoke of a "common understanding on the core terms"; Trump saw "only a few remaining points of disagreement" and sent Witkoff to Moscow. In the demo the formal transmission of the post-Geneva text to Russia still waits for both presidents\' approval, as Rubio described the sequence.',
    statements: [],
    source: cite('S34', 'S35', 'S36'),
  },
];

type StatementData = Scenario['statements'][number];

function st(
  id: string,
  speaker: string,
  affiliation: string,
  partyId: string | null,
  date: string,
  quote: string,
  stance: StatementData['stance'],
  pointIds: string[],
  source: string,
): StatementData {
  return { id, speaker, affiliation, partyId, date, quote, stance, pointIds, source };
}

export const statements: StatementData[] = [
  st('st-zelensky-dignity', 'Volodymyr Zelensky', 'President of Ukraine', 'ua', '2025-11-21',
    'Ukraine faces a choice between "loss of dignity, or the risk of losing a key partner".', 'mixed', ['pt-1'], cite('S30', 'S61')),
  st('st-trump-thursday', 'Donald Trump', 'President of the United States', 'us', '2025-11-21',
    'Thursday is an appropriate deadline; Ukraine is "losing land".', 'supports', ['pt-21'], cite('S31')),
  st('st-putin-basis', 'Vladimir Putin', 'President of Russia', 'ru', '2025-11-21',
    'The US plan "could form the basis" of a final settlement.', 'mixed', [], cite('S37')),
  st('st-g20-leaders', 'European leaders with Canada and Japan', 'Joint statement at the G20 summit', null, '2025-11-22',
    'The draft is "a basis which will require additional work"; borders must not be changed by force, and EU and NATO elements need their members\' consent.', 'mixed', ['pt-21', 'pt-6', 'pt-3', 'pt-7', 'pt-14'], cite('S44')),
  st('st-trump-not-final', 'Donald Trump', 'President of the United States', 'us', '2025-11-22',
    'The plan is "not my final offer".', 'supports', [], cite('S25', ARTICLE)),
  st('st-merz-assets', 'Friedrich Merz', 'Chancellor of Germany', 'de', '2025-11-23',
    'Some points are acceptable and others are not; assets frozen in Brussels cannot go to the United States.', 'mixed', ['pt-14', 'pt-21'], `${cite('S45')}; date approximate (G20, 22–23 Nov)`),
  st('st-macron', 'Emmanuel Macron', 'President of France', 'fr', '2025-11-23',
    'The plan needs improvement; there should be no "capitulation" and no limit on Ukraine\'s army; only Ukrainians decide on concessions.', 'opposes', ['pt-6', 'pt-14', 'pt-21'], `${cite('S46')}; date approximate (G20, 22–23 Nov)`),
  st('st-vdl-principles', 'Ursula von der Leyen', 'President of the European Commission', 'eu', '2025-11-23',
    '"First, borders cannot be changed by force. Second, as a sovereign state, Ukraine cannot have limits placed on its armed forces. And third, the European Union\'s central role in securing peace for Ukraine must be fully reflected."', 'mixed', ['pt-21', 'pt-22', 'pt-6', 'pt-11', 'pt-14', 'pt-24'], cite('S23', ARTICLE)),
  st('st-trump-gratitude', 'Donald Trump', 'President of the United States', 'us', '2025-11-23',
    'Ukraine\'s leadership has shown "zero gratitude" for US efforts.', 'supports', [], cite('S49')),
  st('st-rubio-tremendous', 'Marco Rubio', 'US Secretary of State', 'us', '2025-11-23',
    'Progress has been "tremendous"; "I am very optimistic and believe we can reach a resolution within a reasonable timeframe."', 'supports', [], cite(ARTICLE, 'S49b')),
  st('st-rubio-not-victory', 'Marco Rubio', 'US Secretary of State', 'us', '2025-11-23',
    '"I am not ready to declare victory or a final outcome. There is still work to be done." The final text must be approved by Zelensky and Trump before it is sent to Moscow.', 'mixed', [], cite(ARTICLE, 'S19')),
  st('st-rubio-authorship', 'Marco Rubio', 'US Secretary of State', 'us', '2025-11-23',
    'The plan was written by the United States, with input from both sides.', 'supports', [], cite('S48')),
  st('st-tillis', 'Thom Tillis', 'US Senator (Republican), Halifax International Security Forum', null, '2025-11-22',
    '"Vladimir Putin is a murderer, a rapist and a killer, and we should do nothing that could give him any sense of victory." "Any agreement must be one the people of Ukraine can accept."', 'opposes', ['pt-21', 'pt-26'], `${cite(ARTICLE)}; date approximate (Halifax forum, 21–23 Nov)`),
  st('st-schmitt', 'Eric Schmitt', 'US Senator (Republican)', null, '2025-11-23',
    'Defended the "realistic" approach of the Trump administration.', 'supports', [], `${cite(ARTICLE)}; date approximate (weekend before the article)`),
  st('st-mcconnell', 'Mitch McConnell', 'US Senator (Republican), former majority leader', null, '2025-11-22',
    '(Paraphrase; no quote reported in the article.) Publicly criticised the plan.', 'opposes', [], `${cite(ARTICLE)}; date approximate`),
  st('st-graham', 'Lindsey Graham', 'US Senator (Republican)', null, '2025-11-22',
    '(Paraphrase; no quote reported in the article.) A longtime Trump ally who publicly criticised the plan.', 'opposes', [], `${cite(ARTICLE)}; date approximate`),
  st('st-eu-diplomat-counter', 'A European diplomat (unnamed)', 'European diplomat', null, '2025-11-23',
    '"We are trying to prepare a counter-proposal that would be viable."', 'opposes', [], cite(ARTICLE)),
  st('st-eu-official-fallback', 'A European official (unnamed)', 'European official', null, '2025-11-23',
    'If the talks collapse and Washington withdraws support: "We are, of course, preparing for that scenario as well."', 'neutral', [], cite(ARTICLE)),
  st('st-stubb', 'Alexander Stubb', 'President of Finland', null, '2025-11-24',
    'Geneva was "a step forward", but key issues "remain to be resolved"; decisions touching EU or NATO competences will be discussed "in a separate format".', 'mixed', trackPointIds, cite(ARTICLE)),
  st('st-kyslytsya', 'Serhiy Kyslytsya', 'First Deputy Foreign Minister of Ukraine', 'ua', '2025-11-24',
    '"Very little" of the original text remains; the most sensitive questions are left for the presidents.', 'mixed', ['pt-21', 'pt-7'], cite('S20', 'S21')),
  st('st-stefanishyna', 'Olha Stefanishyna', 'Ambassador of Ukraine to the United States', 'ua', '2025-11-24',
    'The amnesty is not among the 19 points.', 'neutral', ['pt-26'], cite('S42')),
  st('st-ushakov', 'Yuri Ushakov', 'Aide to the President of Russia', 'ru', '2025-11-24',
    'The European draft is "not constructive" and does not suit Russia.', 'opposes', ['pt-21', 'pt-7', 'pt-3'], cite('S38', 'S56')),
  st('st-schoof', 'Dick Schoof', 'Prime Minister of the Netherlands', null, '2025-11-24',
    'Thursday is "no longer a final deadline".', 'neutral', [], cite('S38')),
  st('st-costa', 'António Costa', 'President of the European Council', 'eu', '2025-11-24',
    'The plan is "a starting point".', 'mixed', [], cite('S64')),
  st('st-merz-consent', 'Friedrich Merz', 'Chancellor of Germany', 'de', '2025-11-24',
    'Europe must consent to any peace plan for Ukraine.', 'mixed', ['pt-14', 'pt-11'], cite('S45b')),
  st('st-rutte', 'Mark Rutte', 'NATO Secretary General', null, '2025-11-24',
    'The plan "served its purpose" as a basis for dialogue; there is no consensus among allies on Ukraine\'s accession, and NATO matters need a separate, parallel discussion.', 'mixed', ['pt-3', 'pt-4', 'pt-7'], `${cite('S47', 'S47b', 'S47c')}; date approximate`),
  st('st-lavrov', 'Sergei Lavrov', 'Foreign Minister of Russia', 'ru', '2025-11-25',
    'If the "spirit and letter" of Anchorage disappear from the plan, Russia will not accept it.', 'mixed', ['pt-7', 'pt-21'], cite('S39', 'S39b')),
  st('st-umerov', 'Rustem Umerov', 'Secretary of the National Security and Defense Council of Ukraine', 'ua', '2025-11-25',
    'The sides reached a "common understanding on the core terms".', 'supports', [], cite('S36')),
  st('st-trump-few-points', 'Donald Trump', 'President of the United States', 'us', '2025-11-25',
    '"Only a few remaining points of disagreement"; on the deadline: "The deadline for me is when it\'s over."', 'supports', [], cite('S34', 'S33')),
  st('st-yermak', 'Andriy Yermak', 'Head of the Office of the President of Ukraine', 'ua', '2025-11-27',
    'No land will be given up while Zelensky is president; only the line of contact can be discussed.', 'opposes', ['pt-21'], `${cite('S41')}; date approximate`),
  st('st-putin-bishkek', 'Vladimir Putin', 'President of Russia', 'ru', '2025-11-27',
    'The text is a "basis for future agreements", not a draft treaty; if Ukrainian forces do not leave, Russia will take the land by force.', 'mixed', ['pt-21'], cite('S40', 'S62', 'S68')),
];

export const tracks: Scenario['tracks'] = [
  {
    id: 'track-eu-nato',
    name: 'EU and NATO competences (separate format)',
    description:
      'Points that touch decisions of the EU or NATO (Russia–NATO dialogue, NATO membership and enlargement, foreign forces, EU accession, sanctions, frozen assets), discussed among the US, Ukraine and the Europeans, without Russia. Stubb announced the separate format; Rutte asked for a parallel NATO discussion; European leaders said such elements need their members\' consent. Which points belong here is our choice.',
    pointIds: trackPointIds,
    partyIds: ['us', 'ua', 'eu', 'e3', 'fr', 'de', 'uk'],
  },
];

/**
 * The sequence Rubio described on 23 Nov, as a rule of the negotiation: any text the US or Ukraine
 * writes, or one derived from theirs, reaches Russia only after both presidents approved that text.
 */
export const transmissionRules: Scenario['transmissionRules'] = [
  {
    id: 'rule-presidents-before-moscow',
    name: 'Presidents approve, then the text goes to Moscow (Rubio, 23 Nov)',
    description: 'A text by the United States or Ukraine, or derived from one, reaches Russia only once Presidents Zelensky and Trump have both approved that exact text.',
    fromPartyIds: ['us', 'ua'],
    toPartyIds: ['ru'],
    stages: [
      {
        id: 'stage-presidents',
        name: 'Presidents approve',
        mode: 'all',
        approverUserIds: ['u-ua-principal', 'u-us-principal'],
        deadline: '2025-11-27T23:59:00-05:00',
      },
    ],
    pendingChange: null,
    removedAt: null,
    createdAt: '2025-11-23T20:00:00+01:00',
    createdBy: 'u-us',
  },
];

/** One of the two presidents has approved the post-Geneva text; Russia does not yet see it. */
export const approvals: Scenario['approvals'] = [
  {
    id: 'approval-ua-president',
    ruleId: 'rule-presidents-before-moscow',
    versionId: 'v-geneva-19',
    stageId: 'stage-presidents',
    userId: 'u-ua-principal',
    decision: 'approve',
    comment: `Approves the framework; territory and NATO remain for the meeting of the two presidents. ${illustrative('no formal approval was reported; Umerov spoke of a common understanding on the core terms', 'S36')}`,
    at: '2025-11-25T18:00:00+02:00',
  },
];
