/**
 * The layer rules of docs/CONVENTIONS.md ("Checks"), checked by test/architecture/layers.test.ts
 * and `npm run layers`. Paths are relative to the repository root; a rule names what a folder may
 * NOT import, so each folder's allowed imports read as the `pathNot` of its rule.
 */

/** Every folder of ours: a dependency outside these is a package (or Node itself). */
const OURS = '^(protocol|machines|db|server|client|cli|bench|test|harness|examples)/';
/** The product: what ships to users. */
const PRODUCT = '^(protocol|machines|db|server|client|cli)/';
/** The one file of the server the client library may import, and only its types. */
const APP_ROUTER = '^server/trpc/router\\.ts$';
const TYPED_CLIENT = '^client/trpc\\.ts$';

/** `from` may import only `allowed` (itself included) among our folders. */
function onlyImports(name, from, allowed, comment) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: `^${from}/` },
    to: { path: OURS, pathNot: `^(${[from, ...allowed].join('|')})/` },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycle, type-only imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      comment: 'Every import resolves to a file or an installed package.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports and that imports nothing is dead code.',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: [
          '\\.d\\.ts$',
          '\\.test\\.ts$',
          // vitest.config.ts names it as a reporter by its path (a string), not by an import.
          '^test/support/summary-reporter\\.ts$',
        ],
      },
      to: {},
    },
    onlyImports(
      'protocol-imports-nothing-of-ours',
      'protocol',
      [],
      'protocol/ is the bottom layer.',
    ),
    onlyImports('machines-only-protocol', 'machines', ['protocol'], 'Machines are pure.'),
    onlyImports('db-only-protocol-machines', 'db', ['protocol', 'machines'], 'The store.'),
    onlyImports(
      'server-only-protocol-machines-db',
      'server',
      ['protocol', 'machines', 'db'],
      'The server never imports the client library or the CLI.',
    ),
    {
      ...onlyImports(
        'client-only-protocol',
        'client',
        ['protocol'],
        'The client library is what an application imports: it never starts a server.',
      ),
      to: { path: OURS, pathNot: ['^(client|protocol)/', APP_ROUTER] },
    },
    {
      name: 'client-app-router-types-only',
      comment: 'Only the typed client imports the router, and only `import type` (for AppRouter).',
      severity: 'error',
      from: { path: '^client/', pathNot: TYPED_CLIENT },
      to: { path: APP_ROUTER },
    },
    {
      name: 'client-app-router-types-only',
      comment: 'Only the typed client imports the router, and only `import type` (for AppRouter).',
      severity: 'error',
      from: { path: TYPED_CLIENT },
      to: { path: APP_ROUTER, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'product-not-test-support',
      comment: 'The product never imports tests, benchmarks, their support or the examples.',
      severity: 'error',
      from: { path: PRODUCT },
      to: { path: '^(test|bench|harness|examples)/' },
    },
    {
      name: 'bench-not-test',
      comment: 'Shared test and benchmark support lives in harness/.',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
    {
      name: 'harness-not-test-or-bench',
      comment: 'harness/ serves both tests and benchmarks, so it imports neither.',
      severity: 'error',
      from: { path: '^harness/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|db/migrations)/' },
    // Type-only imports are dependencies too: a layer may not even name another's types.
    tsPreCompilationDeps: true,
    // Resolves `./x.js` to `./x.ts` as tsc does with `moduleResolution: NodeNext`.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    skipAnalysisNotInRules: true,
  },
};
