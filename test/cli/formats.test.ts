import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { unzipSync } from 'fflate';
import { refuseTerminal } from '../../src/cli/export.ts';
import { versionFormat } from '../../src/formats/index.ts';
import { readDocx } from '../../src/formats/docx-read.ts';
import { tempDir } from '../helpers.ts';
import { parley } from './command.ts';

describe('parley export and parley import', () => {
  let db: string;
  before(() => {
    db = join(tempDir(), 'formats.db');
    const loaded = parley(['demo', '--db', db]);
    assert.equal(loaded.code, 0, loaded.stderr);
  });

  test('export --format docx --compare writes a Word file with the changes as tracked changes', () => {
    const out = join(tempDir(), 'geneva.docx');
    const result = parley([
      'export',
      '--db',
      db,
      '--as',
      'mediator@demo.parley',
      '--version',
      'v-geneva-19',
      '--compare',
      'v-table-28',
      '--format',
      'docx',
      '--out',
      out,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const bytes = readFileSync(out);
    const xml = new TextDecoder().decode(unzipSync(bytes)['word/document.xml']);
    assert.match(xml, /<w:ins [^>]*w:author=/);
    assert.match(xml, /<w:del [^>]*w:author=/);
    assert.ok(readDocx(bytes).some((p) => p.text.startsWith('1. ')));
  });

  test("export as Russia holds only Russia's view; an unknown language is refused, naming the text's", () => {
    const hidden = parley([
      'export',
      '--db',
      db,
      '--as',
      'ru@demo.parley',
      '--version',
      'v-geneva-19',
      '--format',
      'docx',
      '--out',
      join(tempDir(), 'x.docx'),
    ]);
    assert.equal(hidden.code, 1);
    assert.match(hidden.stderr, /was not found, or you may not see it/);
    const lang = parley(['export', '--db', db, '--lang', 'fr']);
    assert.equal(lang.code, 1);
    assert.match(lang.stderr, /lang: .* is not in French \(fr\)/);
  });

  test('a binary format refuses to write to a terminal without --out, and says how', () => {
    const docx = versionFormat('docx')!;
    assert.throws(() => refuseTerminal(docx, undefined, true), /--out FILE\.docx/);
    assert.doesNotThrow(() => refuseTerminal(docx, 'x.docx', true));
    assert.doesNotThrow(() => refuseTerminal(docx, undefined, false), 'a redirection is fine');
    assert.doesNotThrow(() => refuseTerminal(versionFormat('md')!, undefined, true));
  });

  test('import --preview shows what a file holds and saves nothing; import makes a version or a negotiation', () => {
    const file = join(tempDir(), 'plan.md');
    writeFileSync(file, '# Water talks\n\n## 1. Shares\n\nEach takes [half] / [a third].\n\n## 2. Review\n\nYearly.\n');
    const preview = parley(['import', file, '--preview']);
    assert.equal(preview.code, 0, preview.stderr);
    assert.match(preview.stdout, /Water talks — 2 points\n\n1\. Shares \(1 bracket\)\n2\. Review/);

    const negotiation = parley(['import', file, '--db', db, '--as', 'ua@demo.parley', '--title', 'Water']);
    assert.equal(negotiation.code, 0, negotiation.stderr);
    const id = negotiation.stdout.trim();
    const shown = parley(['export', '--db', db, '--as', 'ua@demo.parley', '--negotiation', id]);
    assert.match(shown.stdout, /^# Water\n/);
    assert.match(shown.stdout, /### 1\. Shares\n\nEach takes \[half\] \/ \[a third\]\./);

    const version = parley([
      'import',
      file,
      '--db',
      db,
      '--as',
      'ua@demo.parley',
      '--negotiation',
      'geneva-2025',
      '--label',
      'Water annex',
    ]);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stderr, /imported 2 points as version "Water annex"/);
  });

  test('a file Parley cannot read, or no account, is refused in words', () => {
    const file = join(tempDir(), 'letter.txt');
    writeFileSync(file, 'Dear all, no points here.');
    const refused = parley(['import', file, '--preview']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /no numbered point/);
    const bad = join(tempDir(), 'bad.md');
    writeFileSync(bad, Buffer.from([0x31, 0x2e, 0x20, 0xff]));
    assert.match(parley(['import', bad, '--preview']).stderr, /not valid UTF-8/);
    const md = join(tempDir(), 'ok.md');
    writeFileSync(md, '## 1. A\n\nB.\n');
    assert.match(parley(['import', md, '--db', db]).stderr, /--as EMAIL/);
  });
});
