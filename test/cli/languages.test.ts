import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { demoDatabase } from '../helpers.ts';
import { parley } from './command.ts';

/** The reading commands in a language: the Geneva demo's 19 points are in English, Ukrainian and Russian. */
describe('parley reads the text in a language', () => {
  let db: string;
  before(async () => {
    db = await demoDatabase();
  });

  test('export --lang uk prints the points in Ukrainian, --lang ru in Russian; an unknown language names the languages (exit 1)', () => {
    const uk = parley(['export', '--db', db, '--as', 'ua@demo.parley', '--version', 'v-geneva-19', '--lang', 'uk']);
    assert.equal(uk.code, 0, uk.stderr);
    assert.match(uk.stdout, /Суверенітет України підтверджується\./);
    assert.doesNotMatch(uk.stdout, /Ukraine's sovereignty is confirmed/);
    const ru = parley(['export', '--db', db, '--as', 'ua@demo.parley', '--version', 'v-geneva-19', '--lang', 'ru']);
    assert.match(ru.stdout, /Суверенитет Украины подтверждается\./);
    const fr = parley(['export', '--db', db, '--as', 'ua@demo.parley', '--version', 'v-geneva-19', '--lang', 'fr']);
    assert.equal(fr.code, 1);
    assert.match(fr.stderr, /not in French \(fr\); its languages are English \(en\), Ukrainian \(uk\), Russian \(ru\)/);
  });

  test('diff --lang uk compares the Ukrainian wording', () => {
    const diff = parley(
      ['diff', 'v-geneva-19', 'v-geneva-19', '--db', db, '--as', 'ua@demo.parley', '--all', '--lang', 'uk'],
      {
        NO_COLOR: '',
      },
    );
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /Суверенітет України/);
  });

  test('status names the languages, and those a text has not been translated into yet', () => {
    const translated = parley(['status', '--db', db, '--version', 'v-geneva-19']);
    assert.equal(translated.code, 0, translated.stderr);
    assert.match(translated.stdout, /Languages: English \(drafting\), Ukrainian, Russian; all authentic\.\n/);
    const english = parley(['status', '--db', db, '--version', 'v-table-28']);
    assert.match(english.stdout, /This text has no Ukrainian or Russian text yet\./);
  });
});
