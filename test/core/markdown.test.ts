import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { versionMarkdown } from '../../src/core/markdown.ts';
import { bracket, party, point, position, version } from './builders.ts';

const parties = [
  party('us', { shortName: 'United States' }),
  party('ua', { shortName: 'Ukraine' }),
  party('ru', { shortName: 'Russia' }),
];

const framework = version('v1', {
  label: 'Geneva framework',
  summary: 'The 19-point text after Geneva.',
  createdAt: '2025-11-23T18:30:00Z',
  points: [
    point('p-army', 1, {
      title: 'Armed forces',
      text: 'The armed forces are capped at [[cap]] troops.',
      brackets: [bracket('cap', '600,000', '800,000')],
    }),
    point('p-nato', 2, { title: 'NATO', text: 'Ukraine does not join NATO.' }),
  ],
});

describe('versionMarkdown', () => {
  test('Markdown shows brackets UN-style as [A] / [B] and one line per position', () => {
    const md = versionMarkdown(
      'Peace talks',
      framework,
      [
        position('us', 'p-army', 'support'),
        position('ua', 'p-army', 'amend', { proposedText: 'capped at 800,000', rationale: 'Peacetime strength' }),
        position('ru', 'p-army', 'red_line', { visibility: 'party' }),
      ],
      parties,
    );
    assert.ok(md.includes('The armed forces are capped at [600,000] / [800,000] troops.'), md);
    assert.doesNotMatch(md, /\[\[cap\]\]/);
    const positionLines = md.split('\n').filter((line) => line.startsWith('- '));
    assert.deepEqual(positionLines, [
      '- **Russia** red line _(internal)_',
      '- **Ukraine** amends — proposes: "capped at 800,000": Peacetime strength',
      '- **United States** supports',
    ]);
  });

  test('the whole document: title, label, summary, count and date, numbered points, positions under their point', () => {
    const md = versionMarkdown(
      'Peace talks',
      framework,
      [position('ua', 'p-nato', 'oppose', { visibility: 'mediator', rationale: 'Sovereign choice' })],
      parties,
    );
    assert.equal(
      md,
      [
        '# Peace talks',
        '',
        '## Geneva framework',
        '',
        'The 19-point text after Geneva.',
        '',
        '_2 points, dated 2025-11-23._',
        '',
        '### 1. Armed forces',
        '',
        'The armed forces are capped at [600,000] / [800,000] troops.',
        '',
        '### 2. NATO',
        '',
        'Ukraine does not join NATO.',
        '',
        'Positions:',
        '',
        '- **Ukraine** opposes: Sovereign choice _(shared with mediator)_',
        '',
      ].join('\n'),
    );
  });

  test('a point without positions gets no "Positions:" heading, and positions on points not in the version are not shown', () => {
    const md = versionMarkdown('Peace talks', framework, [position('us', 'p-gone', 'support')], parties);
    assert.doesNotMatch(md, /Positions:/);
    assert.doesNotMatch(md, /United States/);
  });

  test('a version without summary skips it, and an unknown party is named by its id', () => {
    const md = versionMarkdown('T', { ...framework, summary: '' }, [position('xx', 'p-nato', 'support')], parties);
    assert.match(md, /## Geneva framework\n\n_2 points/);
    assert.match(md, /- \*\*xx\*\* supports\n/);
    assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'), 'ends with exactly one newline');
  });

  test("a rationale written over several paragraphs stays inside its position's list item", () => {
    const md = versionMarkdown(
      'T',
      framework,
      [position('ua', 'p-nato', 'oppose', { visibility: 'party', rationale: 'First reason.\n\nSecond reason.' })],
      parties,
    );
    const after = md
      .split('Positions:\n\n')[1]!
      .split('\n')
      .filter((line) => line.trim() !== '');
    // Every line of the positions block is a list item or indented under one.
    for (const line of after) assert.match(line, /^(- |\s{2,})/, JSON.stringify(md));
    assert.match(md, /- \*\*Ukraine\*\* opposes: First reason\./);
  });
});
