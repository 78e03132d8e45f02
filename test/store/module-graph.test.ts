// The layers' import graph, read from the sources: no module of the store, the server or the core
// imports another in a circle, and the pure layers (core, analysis) reach no I/O and no layer above
// them. A circle between store modules makes the order in which they load decide whether a function
// exists yet when another module's top level runs, and ties commands together that a second engine
// must be able to take one by one; commands import reads, never each other in a loop.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ImportEdge {
  /** What the statement names: './texts.ts', 'node:fs', 'kysely'. */
  specifier: string;
  /**
   * Whether the import exists only for the type checker. `import type …` and `export type … from` are
   * erased; `import { type A } from` is not: under verbatimModuleSyntax it stays as `import {} from`,
   * which loads the module, so it counts as a value import.
   */
  typeOnly: boolean;
}

/**
 * The import and re-export statements of a TypeScript source, and its dynamic `import('…')` calls
 * (value imports that load later). Comments are blanked first so a commented-out import does not count.
 *
 * @example importsOf("import type { A } from './a.ts';\nimport { b } from './b.ts';")
 * // [{ specifier: './a.ts', typeOnly: true }, { specifier: './b.ts', typeOnly: false }]
 */
export function importsOf(source: string): ImportEdge[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/^\s*\/\/.*$/gm, ' ');
  const edges: ImportEdge[] = [];
  const statement = /^\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/gm;
  for (const match of code.matchAll(statement)) {
    edges.push({ specifier: match[4]!, typeOnly: match[2] !== undefined });
  }
  for (const match of code.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) {
    edges.push({ specifier: match[1]!, typeOnly: false });
  }
  for (const match of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    edges.push({ specifier: match[1]!, typeOnly: false });
  }
  return edges;
}

/** The .ts files under `dir`, as paths relative to the repository. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Each file's value imports of other files of the repository (relative specifiers, resolved). */
function valueGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = importsOf(readFileSync(join(root, file), 'utf8'))
      .filter((edge) => !edge.typeOnly && edge.specifier.startsWith('.'))
      .map((edge) => relative(root, resolve(root, dirname(file), edge.specifier)));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/**
 * The strongly connected components of more than one module, or of one module importing itself
 * (Tarjan's algorithm): each is a set of modules every one of which reaches every other.
 */
export function circles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

/** One path around a circle, for the message: a → b → c → a. */
function cycleThrough(graph: Map<string, string[]>, component: string[]): string {
  const members = new Set(component);
  const start = component[0]!;
  const path = [start];
  const seen = new Set(path);
  let node = start;
  for (;;) {
    const next = graph.get(node)!.filter((n) => members.has(n));
    const back = next.find((n) => n === start);
    if (back && path.length > 1) break;
    const step = next.find((n) => !seen.has(n)) ?? back ?? next[0]!;
    if (seen.has(step)) {
      path.push(step);
      return path.map((p) => p.replace(/^src\//, '')).join(' → ');
    }
    path.push(step);
    seen.add(step);
    node = step;
  }
  return [...path, start].map((p) => p.replace(/^src\//, '')).join(' → ');
}

describe('the import graph of the layers', () => {
  test('the circle finder names a circle of three modules and nothing that is only a chain', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['d']],
    ]);
    assert.deepEqual(circles(graph), [['a', 'b', 'c']]);
    assert.equal(cycleThrough(graph, ['a', 'b', 'c']), 'a → b → c → a');
    assert.deepEqual(circles(new Map([['a', ['a']]])), [['a']]);
    assert.deepEqual(
      circles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
      [],
    );
  });

  test('the parser counts value imports, inline type imports and dynamic imports, not `import type`', () => {
    const edges = importsOf(
      [
        "import type { A } from './a.ts';",
        "import { type B } from './b.ts';",
        'import {',
        '  c,',
        '  type C,',
        "} from './c.ts';",
        "export { d } from './d.ts';",
        "export type { E } from './e.ts';",
        "// import { f } from './f.ts';",
        "const g = await import('./g.ts');",
        "import './h.ts';",
      ].join('\n'),
    );
    assert.deepEqual(edges, [
      { specifier: './a.ts', typeOnly: true },
      { specifier: './b.ts', typeOnly: false },
      { specifier: './c.ts', typeOnly: false },
      { specifier: './d.ts', typeOnly: false },
      { specifier: './e.ts', typeOnly: true },
      { specifier: './h.ts', typeOnly: false },
      { specifier: './g.ts', typeOnly: false },
    ]);
  });

  for (const layer of ['src/store', 'src/server', 'src/core', 'src/analysis', 'src/cli', 'src/demo']) {
    test(`no module of ${layer} imports another of it in a circle (value imports)`, () => {
      const graph = valueGraph(sources(layer));
      const found = circles(graph).map((component) => cycleThrough(graph, component));
      assert.deepEqual(found, [], `import circles in ${layer}:\n${found.join('\n')}`);
    });
  }

  test('no module of the whole source tree imports another in a circle', () => {
    const graph = valueGraph(sources('src'));
    const found = circles(graph).map((component) => cycleThrough(graph, component));
    assert.deepEqual(found, [], `import circles in src:\n${found.join('\n')}`);
  });

  test("the store's read modules import only one another, never a command module", () => {
    // What several commands read: texts and their views, rules, seats, names, the gate, the guards,
    // the audit log's record of decisions, and the collections' rows under them. A command module (versions.ts, members.ts, …) imports
    // these; were one of these to import a command, the next command to import it could close a circle.
    const reads = [
      'texts.ts',
      'rules.ts',
      'seats.ts',
      'names.ts',
      'gate.ts',
      'guards.ts',
      'collections.ts',
      'prepared.ts',
      'dialect.ts',
      'audit-kinds.ts',
      'audit-state.ts',
      'audit.ts',
    ].map((name) => `src/store/${name}`);
    const graph = valueGraph(reads);
    const reached = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => t.startsWith('src/store/') && !reads.includes(t)).map((t) => `${file} imports ${t}`),
    );
    assert.deepEqual(reached, []);
  });

  /** What a pure layer must not import: the layers above it, and the modules that reach disk, network or a database. */
  const forbidden = [
    { what: 'the store', matches: (target: string) => target.startsWith('src/store/') },
    { what: 'the server', matches: (target: string) => target.startsWith('src/server/') },
    { what: 'the command line', matches: (target: string) => target.startsWith('src/cli/') },
    { what: 'the demo', matches: (target: string) => target.startsWith('src/demo/') },
    {
      what: 'an I/O module',
      matches: (target: string) =>
        /^(node:)?(fs|fs\/promises|http|https|http2|net|tls|dgram|dns|child_process|cluster|readline)$/.test(target) ||
        /^(better-sqlite3|pg|kysely|fastify|@fastify\/)/.test(target),
    },
  ];
  for (const layer of ['src/core', 'src/analysis']) {
    test(`${layer} is pure: it imports no store, server, command line, demo or I/O module`, () => {
      const offences: string[] = [];
      for (const file of sources(layer)) {
        for (const edge of importsOf(readFileSync(join(root, file), 'utf8'))) {
          const target = edge.specifier.startsWith('.')
            ? relative(root, resolve(root, dirname(file), edge.specifier))
            : edge.specifier;
          const rule = forbidden.find((f) => f.matches(target));
          if (rule) offences.push(`${file} imports ${edge.specifier} (${rule.what})`);
        }
      }
      assert.deepEqual(offences, []);
    });
  }

  test('the purity check would catch a core module reaching the disk or the store', () => {
    const edges = importsOf("import { readFileSync } from 'node:fs';\nimport { Store } from '../store/store.ts';");
    const hits = edges.map((edge) => {
      const target = edge.specifier.startsWith('.')
        ? relative(root, resolve(root, 'src/core', edge.specifier))
        : edge.specifier;
      return forbidden.find((f) => f.matches(target))?.what;
    });
    assert.deepEqual(hits, ['an I/O module', 'the store']);
  });
});
