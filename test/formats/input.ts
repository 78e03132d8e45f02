/**
 * An `ExportInput` built by hand for the formats' tests: a small negotiation with two parties, a
 * track, and the points given. Not a test file.
 */
import type { Point, VersionView } from '../../src/core/model.ts';
import type { ExportInput } from '../../src/formats/types.ts';

export function versionView(id: string, points: Point[], overrides: Partial<VersionView> = {}): VersionView {
  return {
    id,
    negotiationId: 'neg-1',
    parentId: null,
    kind: 'draft',
    label: `Text ${id}`,
    summary: '',
    authorPartyId: null,
    internal: false,
    points,
    optionChoices: {},
    source: null,
    createdAt: '2025-11-23T12:00:00Z',
    createdBy: null,
    recipientPartyIds: ['fr', 'de'],
    contentHash: 'c0ffee'.padEnd(64, '0'),
    separateFormat: null,
    ...overrides,
  };
}

export function exportInput(points: Point[], overrides: Partial<ExportInput> = {}): ExportInput {
  return {
    negotiation: { id: 'neg-1', title: 'Water treaty', summary: '' },
    version: versionView('v2', points),
    lang: 'en',
    languages: { drafting: 'en', all: ['en'], authentic: ['en'], prevailing: null },
    languageBehind: [],
    parties: [
      {
        id: 'fr',
        negotiationId: 'neg-1',
        name: 'France',
        shortName: 'FR',
        kind: 'party',
        memberPartyIds: [],
        pointIds: [],
        revision: 1,
      },
      {
        id: 'de',
        negotiationId: 'neg-1',
        name: 'Germany',
        shortName: 'DE',
        kind: 'party',
        memberPartyIds: [],
        pointIds: [],
        revision: 1,
      },
    ],
    tracks: [
      {
        id: 'tr-1',
        negotiationId: 'neg-1',
        name: 'Rhine basin',
        description: '',
        pointIds: [],
        partyIds: ['fr', 'de'],
        revision: 1,
      },
    ],
    status: { label: 'Draft — not agreed', agreed: false, obstacles: '' },
    positions: [],
    provenance: null,
    compareWith: null,
    workflow: [],
    amendments: [],
    generatedAt: '2025-11-24T09:00:00.000Z',
    ...overrides,
  };
}
