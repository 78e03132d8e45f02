/** The life of an amendment (store/amendments.ts): what the store keeps and the API states. */
export const AMENDMENT_STATES = [
  'draft',
  'tabled',
  'accepted',
  'rejected',
  'orphaned',
  'withdrawn',
  'consolidated',
] as const;
export type AmendmentState = (typeof AMENDMENT_STATES)[number];
/** The longest justification (or decision note) an amendment carries. */
export const JUSTIFICATION_LENGTH = 5000;
