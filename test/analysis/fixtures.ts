// Loads the GENIUS fixtures copied under test/fixtures/genius, recognising files by their root element.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  geniusFileKind,
  parseGeniusDomain,
  parseGeniusProfile,
  type NegotiationProblem,
} from '../../src/analysis/index.ts';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'genius');

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export function fixtureFiles(name: string): { domain: string; profiles: string[] } {
  const dir = join(FIXTURES, name);
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.xml') && file !== 'pareto.xml')
    .sort();
  const kinds = files.map((file) => geniusFileKind(readFileSync(join(dir, file), 'utf8'), file));
  return {
    domain: join(dir, files[kinds.indexOf('domain')]!),
    profiles: files.filter((_, i) => kinds[i] === 'profile').map((file) => join(dir, file)),
  };
}

export function loadFixture(name: string): NegotiationProblem {
  const { domain, profiles } = fixtureFiles(name);
  const space = parseGeniusDomain(readFileSync(domain, 'utf8'), domain);
  return { space, parties: profiles.map((file) => parseGeniusProfile(readFileSync(file, 'utf8'), file, space)) };
}
