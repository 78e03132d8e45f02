// The engine as a library other projects import: `npm pack`, the tarball unpacked into a scratch
// project's node_modules (what `npm install ./parley-x.y.z.tgz` puts there; the engine needs none of
// the server's dependencies, so none are installed), then an ES module and a TypeScript file that
// import `parley/analysis`, run by Node and checked by tsc against the shipped declarations.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyzeNegotiation, toNumber } from '../../src/analysis/index.ts';
import '../cli/command.ts'; // builds dist/ when it is stale
import { tempDir } from '../helpers.ts';
import { fixtureFiles, loadFixture } from './fixtures.ts';

const root = join(import.meta.dirname, '..', '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the settlement engine as a library: import { analyze, readGenius } from "parley/analysis"', () => {
  let project: string;
  before(() => {
    const packed = tempDir();
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', packed], root);
    assert.equal(pack.code, 0, pack.stderr);
    const filename = (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename;
    project = tempDir();
    const installed = join(project, 'node_modules', 'parley');
    mkdirSync(installed, { recursive: true });
    const unpack = run('tar', ['-xzf', join(packed, filename), '-C', installed, '--strip-components=1'], project);
    assert.equal(unpack.code, 0, unpack.stderr);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', type: 'module', private: true }));
  });

  test('an ES module imports it from the packed tarball and gets the same exact answers', () => {
    const { domain, profiles } = fixtureFiles('Laptop');
    writeFileSync(
      join(project, 'use.mjs'),
      `import { readFileSync } from 'node:fs';
import { analyze, readGenius, toNumber } from 'parley/analysis';
const problem = readGenius(readFileSync(${JSON.stringify(domain)}, 'utf8'), ${JSON.stringify(profiles)}.map((f) => readFileSync(f, 'utf8')));
const analysis = analyze(problem);
console.log(JSON.stringify({ frontier: analysis.frontier.size, nash: analysis.nash.utilities.map(toNumber) }));
`,
    );
    const used = run(process.execPath, ['use.mjs'], project);
    assert.equal(used.code, 0, used.stderr);
    const expected = analyzeNegotiation(loadFixture('Laptop'));
    assert.deepEqual(JSON.parse(used.stdout), {
      frontier: expected.frontier!.size,
      nash: expected.nash!.utilities.map(toNumber),
    });
    // Only what the package exports: the server's modules stay inside.
    writeFileSync(join(project, 'deep.mjs'), `await import('parley/dist/store/store.js');\n`);
    const deep = run(process.execPath, ['deep.mjs'], project);
    assert.notEqual(deep.code, 0);
    assert.match(deep.stderr, /ERR_PACKAGE_PATH_NOT_EXPORTED/);
  });

  test('tsc checks a TypeScript file against the shipped declarations, and catches a wrong use', () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2023',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          typeRoots: [join(root, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['use.ts'],
      }),
    );
    const good = `import { analyze, readGenius, type NegotiationAnalysis, type Rational } from 'parley/analysis';
export function nashOf(domain: string, profiles: string[]): Rational[] | null {
  const analysis: NegotiationAnalysis = analyze(readGenius(domain, profiles), { strategy: 'merge' });
  return analysis.nash?.utilities ?? null;
}
`;
    writeFileSync(join(project, 'use.ts'), good);
    const checked = run(process.execPath, [tsc, '-p', '.'], project);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    writeFileSync(join(project, 'use.ts'), good.replace("strategy: 'merge'", "strategy: 'fastest'"));
    const wrong = run(process.execPath, [tsc, '-p', '.'], project);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stdout, /use\.ts.*'"fastest"' is not assignable/);
    // The declarations are the ones built from the engine's sources.
    assert.match(readFileSync(join(project, 'node_modules/parley/dist/analysis/index.d.ts'), 'utf8'), /readGenius/);
  });
});
