/**
 * The sources behind the Geneva demo, by the ids of the scenario brief (S1…S70), and two helpers that
 * turn ids into the `source` strings stored with every fact: `cite('S1', 'S2')` gives
 * `"S1 https://…; S2 https://…"`, `illustrative('why', 'S52')` marks a modelling choice and names what
 * it leans on. See `src/demo/SOURCES.md` for notes on weak and aggregator sources.
 */

export const SOURCES = {
  S1: 'https://news.liga.net/en/amp/politics/news/media-disclosed-all-28-points-of-trumps-peace-plan-for-ukraine-and-russia',
  S2: 'https://report.az/en/other-countries/europeans-propose-changes-to-us-ukraine-plan-with-higher-army-cap',
  S3: 'https://atlantisthemes.com/?p=27910',
  S3b: 'https://lnginnorthernbc.ca/2025/11/21/understand-the-points-of-the-us-plan-that-foresees-a-veto-against-ukraine-in-nato',
  S4: 'https://www.europesays.com/2584930',
  S5: 'https://croatia.news-pravda.com/en/world/2025/11/20/3062.html',
  S6: 'https://italy.news-pravda.com/russia/2025/11/21/326905.html',
  S7: 'https://news-pravda.com/world/2025/11/20/1873519.html',
  S8: 'https://www.la.lv/nopludinati-visi-28-miera-plana-punkti-kapec-polijai-taja-ir-unikala-loma?p=4',
  S9: 'https://deutsch.news-pravda.com/world/2025/11/21/519624.html',
  S9b: 'https://www.insuedthueringen.de/inhalt.russischer-angriffskrieg-28-punkte-fuer-frieden-in-der-ukraine.6e95c93f-0d33-457c-846c-d3cc4f427f08.html',
  S10: 'https://statement.com/1084362/trumps-peace-a-ukraine-without-donbas-and-nato-with-hints-of-concessions-on-language-and-church',
  S11: 'https://www.straitstimes.com/asia/full-text-of-european-counter-proposal-to-us-ukraine-peace-plan',
  S12: 'https://www.deccanchronicle.com/world/europeans-propose-changes-to-us-ukraine-plan-with-higher-army-cap-nato-style-security-pact-doc-1919117',
  S13: 'https://lnginnorthernbc.ca/2025/11/23/europe-launches-a-counterproposal-to-trumps-peace-plan-these-are-the-changes-it-proposes',
  S14: 'https://lnginnorthernbc.ca/2025/11/23/an-army-with-800000-ukrainians-without-a-point-about-full-amnesty-they-published-a-european-draft-peace-agreement',
  S15: 'https://georgiatoday.ge/europes-e3-uncover-alternative-draft-for-ukraine-peace-framework',
  S16: 'https://en.bb.lv/article/world-news/2025/11/23/the-battle-for-peace-instead-of-trumps-peace-plan-europe-has-proposed-its-own-plan-with-24-points-78405/amp',
  S16b: 'https://frontnews.ge/en/news/wp-evropelma-liderebma-ukrainashi-omis-mshvidobiani-gzit-mogvarebis-shesakheb-tsinadadebebi-sheimushaves',
  S17: 'https://dev-v4.freemalaysiatoday.com/category/world/2025/11/24/us-hails-significant-step-forward-in-ukraine-peace-framework-talks',
  S18: 'https://www.infobrasile.it/2025/11/24/stati-uniti-e-ucraina-laccordo-deve-garantire-la-piena-sovranita-ucraina ; https://arabic.adnkronos.com/archives/130920',
  S19: 'https://news.liga.net/en/amp/politics/news/ft-geneva-talks-lead-to-reduction-of-peace-plan-from-28-to-19-points',
  S20: 'https://en.protothema.gr/2025/11/24/ft-us-and-ukraine-agree-on-19-point-plan-to-end-the-war',
  S21: 'https://eir.news/2025/11/news/ukraine-pushes-to-change-trumps-28-point-peace-plan-did-rubio-drop-the-ball',
  S22: 'https://myglobalnews.net/world/20251125-us-and-ukraine-slim-down-peace-plan-to-19-points-after-geneva-talks',
  S23: 'https://unn.ua/en/news/von-der-leyen-eu-defines-three-mandatory-principles-for-ukraines-peace-plan ; https://www.newsmax.com/world/globaltalk/eu-ukraine-peace-plan/2025/11/23/id/1235721/',
  S24: 'https://news.liga.net/en/politics/news/ukrainian-delegation-starts-work-on-peace-plan-in-geneva',
  S25: 'https://al24news.dz/en/us-ukraine-and-european-officials-meet-in-geneva-to-discuss-trumps-peace-plan',
  S26: 'https://www.actualites24.fr/synthese/guerre-en-ukraine/46380/2',
  S27: 'https://magyarhirlap.hu/kulfold/20251122-jermakot-neveztek-ki-az-oroszorszaggal-targyalo-kuldottseg-elere',
  S28: 'https://sfg.media/en/a/zelensky-ready-work-with-trump-admin-new-war-end-plan',
  S29: 'https://www.cbsnews.com/news/pentagon-officials-arrive-in-ukraine-to-discuss-military-tech-explore-peace-efforts/',
  S30: 'https://en.interfax.com.ua/news/general/1122496.html',
  S31: 'https://anewz.tv/world/world-news/15518/trump-says-thursday-is-appropriate-deadline-for-us-plan/news ; https://www.wionews.com/world/trump-urges-ukraine-to-accept-peace-plan-by-thanksgiving-after-zelensky-says-kyiv-risks-losing-us-support-1763751642617',
  S33: 'https://menafn.com/1110398021/Trump-Says-No-Deadline-For-Reaching-Ukraine-Peace-Deal-Russians-Making-Concession-Kyiv-Is-Happy',
  S34: 'https://kyivindependent.com/witkoff-to-meet-putin-as-us-sends-delegations-to-ukraine-russia-in-hopes-of-finalizing-peace-plan/',
  S35: 'https://britishnewsagency.com/driscoll-to-deliver-latest-us-peace-plan-to-russians-22839',
  S36: 'https://www.cbsnews.com/news/ukraine-russia-war-peace-deal-trump-driscoll-abu-dhabi-talks-latest/',
  S36b: 'https://news.rationalreview.com/archives/248859',
  S37: 'https://www.themoscowtimes.com/2025/11/21/putin-says-us-plan-could-lay-foundation-for-ukraine-peace-deal-a91204',
  S38: 'https://www.fakti.bg/en/world/1016756-russia-rejects-european-counter-proposal-for-peace-in-ukraine',
  S39: 'https://sputnikglobe.com/20251125/key-provisions-of-trumps-ukraine-plan-based-on-understanding-reached-in-anchorage---lavrov-1123168996.html',
  S39b: 'https://topwar.ru/274224-lavrov-esli-iz-plana-ssha-ischezli-duh-i-bukva-ankoridzha-rossiju-jeto-ne-ustroit.html',
  S40: 'https://www.sowetan.co.za/news/world/2025-11-28-putin-says-us-ukraine-text-could-form-basis-for-future-peace-deal/ ; https://www.livemint.com/news/world/putin-declares-russia-is-ready-to-fight-to-the-last-ukrainian-even-as-us-pushes-new-peace-plan-11764271268344.html',
  S41: 'https://news.liga.net/en/politics/news/yermak-zelensky-will-not-sign-an-agreement-on-the-abandonment-of-territory ; https://www.trtworld.com/article/c8e4584bfdf0',
  S42: 'https://tsn.ua/politika/z-myrnoho-planu-znyk-spirnyy-punkt-pro-amnistiiu-shcho-vyklykalo-superechky-2965076.html',
  S43: 'https://see.news/wsj-ukraine-changed-anti-corruption-clause-in-us-peace-plan',
  S43b: 'https://lb.ua/world/2025/11/21/707932_mirnomu_plani_ssha_ie_punkt_pro.html',
  S44: 'https://www.anews.com.tr/world/2025/11/22/g20-threatened-by-geopolitical-fractures-leaders-warn ; https://www.dcnews.ro/nicusor-dan-va-participa-online-la-reuniunea-informala-a-liderilor-ue-privind-ucraina_1020481.html',
  S45: 'https://anews.az/en/world/497039/germanyrsquos-merz-says-parts-of-us-ukraine-ldquopeace-planrdquo-are-unacceptable',
  S45b: 'https://www.lbcgroup.tv/news/world-news/891734/german-leader-says-europe-must-consent-to-any-ukraine-peace-plan/en',
  S46: 'https://unn.ua/en/news/macron-stated-that-trumps-peace-plan-needs-improvement ; https://news.az/news/macron-trumps-ukraine-peace-plan-needs-refinement',
  S47: 'https://www.europesays.com/2595044',
  S47b: 'https://news.liga.net/en/politics/news/rutte-there-is-no-consensus-in-nato-on-ukraines-accession-but-the-decisions-of-the-washington-summit-are-valid',
  S47c: 'https://staging.rferl.org/a/nato-rutte-dialogue-ukraine-peace-putin-trump/33603499.html ; https://caliber.az/en/post/nato-secretary-general-says-28-point-peace-plan-encouraged-us-ukraine-dialogue',
  S48: 'https://www.asiaone.com/world/rubio-says-ukraine-peace-proposal-was-authored-us ; https://www.anews.com.tr/world/2025/11/23/senators-ukraine-peace-plan-not-us-draft-but-russian-wish-list',
  S49: 'https://www.gdnonline.com/Details/1369313/Trump-accuses-Ukraine-of-ingratitude-over-peace-bid',
  S49b: 'https://vnnow.net/en/world/us-ukraine-announce-major-progress-on-peace-proposal-149272.html',
  S50: 'https://its9ja.com/trump-backed-plan-seeks-ukrainian-concessions-russias-g8-return',
  S52: 'https://eu.news-pravda.com/world/2025/11/25/136751.html',
  S53: 'https://www.alertdesk.us/?p=1789',
  S54: 'https://fakti.bg/en/world/1020570-the-wall-street-journal-us-presents-proposals-to-europe-for-russia-s-reintegration-into-the-global-economy',
  S55: 'https://dzwatch.dz/?p=28876 ; https://kudupinter.com/2025/11/top-news/zelensky-reconstitutes-the-peace-delegation-after-his-advisor-resigned-due-to-a-corruption-scandal',
  S56: 'https://www.tovima.gr/2025/11/24/world/proti-antidrasi-mosxas-gia-to-neo-sxedio-gia-oukrania-katholou-epoikodomitiko/',
  S57: 'https://ifpnews.com/ukraine-says-wont-cede-territory-to-russia/',
  S58: 'https://www.indianwitness.com/news/international/russia-seeks-peace-plan-aligned-with-trump-putin-summit',
  S59: 'https://www.wionews.com/world/trump-urges-ukraine-to-accept-peace-plan-by-thanksgiving-after-zelensky-says-kyiv-risks-losing-us-support-1763751642617',
  S61: 'https://uspopz.com/news/ukraine-facing-choice-between-losing-major-partner-or-its-dignity-says-zelenskyy-as-he-considers-us-plan-europe-live-europe',
  S62: 'https://vnnow.net/en/world/putin-first-addresses-ukraine-peace-plan-151077.html',
  S64: 'https://eurotoday.org/?p=24363',
  S67: 'https://english.dotdotnews.com/a/202511/24/AP6923c6b0e4b0c32d4f5fddea.html',
  S68: 'https://www.la.lv/mes-vinus-gaidam-zinams-kad-asv-delegacija-dosies-uz-maskavu-lai-apspriestu-miera-planu',
  S69: 'https://www.vedomosti.ru/politics/news/2025/12/09/1161892-ft-tramp-rasschitivaet',
  S70: 'https://swedenherald.com/article/ukraines-new-20point-plan-for-peace',
} as const;

export type SourceId = keyof typeof SOURCES;

/**
 * The news article Parley was seeded with (a report on the Geneva talks of 23 Nov 2025). It carries no
 * URL in the project; facts taken only from it cite it by this name.
 */
export const ARTICLE = 'Parley seed article on the Geneva talks (24 Nov 2025; no URL)';

/** The marker every modelled, unreported fact carries in its source or text. */
export const ILLUSTRATIVE = 'illustrative (not reported)';

/**
 * Source string for reported facts: `cite('S1', 'S2')` → `"S1 https://…; S2 https://…"`.
 * Pass `ARTICLE` among the ids to cite the seed article as well.
 */
export function cite(...ids: (SourceId | typeof ARTICLE)[]): string {
  return ids.map((id) => (id === ARTICLE ? ARTICLE : `${id} ${SOURCES[id]}`)).join('; ');
}

/**
 * Source string for a modelling choice: `illustrative('800k taken from a low-confidence report', 'S52')`
 * → `"illustrative (not reported): 800k taken…; based on S52 https://…"`.
 */
export function illustrative(note: string, ...ids: (SourceId | typeof ARTICLE)[]): string {
  return `${ILLUSTRATIVE}: ${note}${ids.length > 0 ? `; based on ${cite(...ids)}` : ''}`;
}
