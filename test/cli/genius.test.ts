// GENIUS from the command line's functions: files on disk in as a new negotiation, and out into a
// directory as the account sees them; a hostile file is refused and nothing is saved.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseGeniusDomain } from '../../src/analysis/genius.ts';
import { exportGeniusToDirectory, importGeniusFromFiles } from '../../src/cli/genius.ts';
import { CliError } from '../../src/cli/errors.ts';
import { Store } from '../../src/store/store.ts';
import { demoDatabase, tempDir } from '../helpers.ts';

const LAPTOP = join(import.meta.dirname, '..', 'fixtures', 'genius', 'Laptop');

test('parley import --genius makes a negotiation the importer convenes, and export --format genius writes it back', async () => {
  const store = await Store.open(await demoDatabase());
  try {
    const files = ['laptop_domain.xml', 'laptop_buyer_utility.xml', 'laptop_seller_utility.xml'].map((f) =>
      join(LAPTOP, f),
    );
    const imported = await importGeniusFromFiles(store, { as: 'mediator@demo.parley', files });
    assert.deepEqual(
      imported.parties.map((p) => p.name),
      ['laptop_buyer_utility', 'laptop_seller_utility'],
    );
    const out = join(tempDir(), 'laptop');
    const written = await exportGeniusToDirectory(store, {
      negotiation: imported.negotiation.id,
      as: 'mediator@demo.parley',
      out,
    });
    assert.equal(written.length, 3);
    assert.equal(readdirSync(out).length, 3);
    const domain = written.find((p) => p.endsWith('-domain.xml'))!;
    const back = parseGeniusDomain(readFileSync(domain, 'utf8'), domain);
    const original = parseGeniusDomain(readFileSync(files[0]!, 'utf8'), files[0]!);
    assert.deepEqual(
      back.issues.map((i) => [i.name, i.options]),
      original.issues.map((i) => [i.name, i.options]),
    );
  } finally {
    await store.close();
  }
});

test('a hostile file on disk is refused with the file named, and no negotiation is made', async () => {
  const store = await Store.open(await demoDatabase());
  try {
    const count = async () => (await store.db.selectFrom('negotiations').select('id').execute()).length;
    const before = await count();
    const evil = join(tempDir(), 'evil_domain.xml');
    writeFileSync(evil, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><negotiation_template/>');
    await assert.rejects(
      importGeniusFromFiles(store, {
        as: 'mediator@demo.parley',
        files: [evil, join(LAPTOP, 'laptop_buyer_utility.xml')],
      }),
      (error: unknown) => error instanceof CliError && /evil_domain\.xml.*DOCTYPE/.test(error.message),
    );
    await assert.rejects(importGeniusFromFiles(store, { files: [join(LAPTOP, 'laptop_domain.xml')] }), /--as <email>/);
    assert.equal(await count(), before);
  } finally {
    await store.close();
  }
});
