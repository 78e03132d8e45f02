import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  GeniusFormatError,
  geniusFileKind,
  parseGeniusProfile,
  parseGeniusDomain,
  writeGeniusDomain,
  writeGeniusProfile,
} from '../../src/analysis/index.ts';
import { readXml } from '../../src/analysis/genius-xml.ts';
import { FIXTURES, fixtureNames, loadFixture } from './fixtures.ts';
import { referenceXml } from './reference-xml.ts';

const DEPTH = 64;

function allFixtureFiles(): string[] {
  return fixtureNames().flatMap((name) =>
    readdirSync(join(FIXTURES, name))
      .filter((file) => file.endsWith('.xml') && file !== 'pareto.xml')
      .map((file) => join(FIXTURES, name, file)),
  );
}

function malformed(xml: string, detail: RegExp): void {
  assert.throws(
    () => parseGeniusDomain(xml, 'bad.xml'),
    (error: unknown) => {
      assert.ok(error instanceof GeniusFormatError, `not a GeniusFormatError: ${String(error)}`);
      assert.equal(error.element, 'document');
      assert.match(error.message, /^bad\.xml: document: not well-formed XML \(line \d+: /);
      assert.match(error.message, detail);
      return true;
    },
  );
}

describe('GENIUS XML scanner', () => {
  it('reads every fixture file exactly as fast-xml-parser did', () => {
    const files = allFixtureFiles();
    assert.ok(files.length >= 40, `${files.length} fixture files`);
    for (const file of files) {
      const xml = readFileSync(file, 'utf8');
      assert.deepStrictEqual(readXml(xml, DEPTH), referenceXml(xml), file);
    }
  });

  it('reads what Parley writes, and the corners of XML GENIUS files may use, as fast-xml-parser did', () => {
    const texts: string[] = [];
    for (const name of ['Laptop', 'Vacation', 'Travel', 'EnergyGrid', '10issuesDiscountedwithRV']) {
      const problem = loadFixture(name);
      texts.push(writeGeniusDomain(problem.space));
      for (const party of problem.parties) texts.push(writeGeniusProfile(problem.space, party));
    }
    texts.push(
      `\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- a comment -->\n<utility_space a = ' x &amp; y ' b="&lt;&quot;&apos;&gt;">` +
        `<objective><issue name="Q &amp; A"><![CDATA[ <not markup> ]]>text<item value="1"/><?pi data?>` +
        `<item value="2">two</item></issue><weight index="1" value="1"/></objective><reservation/></utility_space>\n`,
    );
    for (const xml of texts) assert.deepStrictEqual(readXml(xml, DEPTH), referenceXml(xml));
    // One deliberate difference: character references are decoded, as XML says (fast-xml-parser left them as written).
    assert.equal(readXml('<a v="&#65;&#x42;&#0;"/>', DEPTH).element['@v'], 'AB&#0;');
  });

  it('names the fault and its line in malformed documents', () => {
    malformed(
      '<negotiation_template>\n<utility_space>\n</objective>',
      /line 3: closing tag <\/objective> does not match <utility_space>/,
    );
    malformed('<negotiation_template><utility_space>', /<utility_space> is not closed/);
    malformed('<negotiation_template a=1/>', /attribute a of <negotiation_template> is not quoted/);
    malformed('<negotiation_template a="1" a="2"/>', /attribute a repeated/);
    malformed('<negotiation_template a/>', /attribute a of <negotiation_template> has no value/);
    malformed('<negotiation_template a="1/>', /not closed|"<"/);
    malformed('<negotiation_template/>\n<negotiation_template/>', /line 2: a second root element/);
    malformed('<negotiation_template/> trailing', /text after the root element/);
    malformed('junk <negotiation_template/>', /text before the root element/);
    malformed('<negotiation_template><!-- open', /unterminated comment/);
    malformed('<negotiation_template></>', /closing tag without a name/);
    malformed('<negotiation_template>< a/></negotiation_template>', /not followed by a tag name/);
    malformed('', /no root element/);
  });

  it('tells the kind of a file from its root start tag; the fault further in is reported when the file is read', () => {
    const cut = '<utility_space><objective><issue name="a">';
    assert.equal(geniusFileKind(cut, 'cut.xml'), 'profile');
    assert.throws(() => geniusFileKind('<other/>', 'o.xml'), /o\.xml: <other>: neither a GENIUS domain/);
    assert.throws(
      () => geniusFileKind('no markup', 'n.xml'),
      /n\.xml: document: not well-formed XML \(line 1: text before/,
    );
    const space = parseGeniusDomain(
      '<negotiation_template><utility_space><objective><issue name="a"><item value="x"/></issue></objective></utility_space></negotiation_template>',
      'd.xml',
    );
    assert.throws(
      () => parseGeniusProfile(cut, 'cut.xml', space),
      /cut\.xml: document: not well-formed XML \(line 1: <issue> is not closed\)/,
    );
  });
});
