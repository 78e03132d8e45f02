/**
 * The Geneva demo: the November 2025 negotiation over the US 28-point plan for ending the war in
 * Ukraine, as Parley data. Reported facts carry the ids and URLs of the scenario brief's sources
 * (see `src/demo/SOURCES.md`); modelling choices say "illustrative (not reported)".
 *
 * @example
 * import { genevaScenario } from './demo/geneva.ts';
 * genevaScenario.versions.map((v) => v.label);
 * // ['Earlier US draft, with the aid audit (before 20 Nov 2025)', 'US 28-point plan (20 Nov 2025)', 'E3 counter-proposal (23 Nov 2025)',
 * //  'Post-Geneva framework (19 points, 24 Nov 2025)', 'Single negotiating text (the 28 points, 23 Nov 2025)']
 */
import type { Scenario } from './scenario.ts';
import { amendments } from './geneva/amendments.ts';
import { issues } from './geneva/issues.ts';
import { approvals, rounds, statements, tracks, transmissionRules } from './geneva/meetings.ts';
import { parties, users } from './geneva/people.ts';
import { positions, preferences, redLines } from './geneva/stances.ts';
import { versions } from './geneva/versions.ts';

export const genevaScenario: Scenario = {
  negotiation: {
    id: 'geneva-2025',
    title: 'Geneva 2025: the US 28-point plan for Ukraine',
    summary:
      'November 2025. A US 28-point plan to end the war is delivered in Kyiv on 20 Nov and leaked the same day; it asks Ukraine to leave Donetsk, renounce NATO and cap its army. Ukraine, the United States and the national security advisers of France, Germany, the UK and the EU meet in Geneva on 23 Nov; the E3 table a counter-proposal; the US and Ukraine cut the text to a 19-point framework, leaving territory and NATO to their presidents, who must approve it before it goes to Moscow. The mediators keep the 28 points as a single negotiating text, on which the E3’s changes are pending as amendments (illustrative). Reported facts cite their sources; private positions, preferences and the 19-point wording are illustrative.',
    currentVersionId: 'v-geneva-19',
    // English is the drafting language; the 19-point text carries Parley's working translations into
    // Ukrainian and Russian. The sources say nothing of authentic languages: all three equally
    // authentic, none prevailing, is illustrative (not reported).
    languages: { drafting: 'en', others: ['uk', 'ru'], authentic: ['en', 'uk', 'ru'], prevailing: null },
    createdAt: '2025-11-20',
  },
  parties,
  users,
  issues,
  versions,
  positions,
  redLines,
  preferences,
  rounds,
  statements,
  tracks,
  transmissionRules,
  approvals,
  amendments,
};
