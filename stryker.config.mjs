// `npm run test:mutation [-- scope …]` (scripts/mutation.sh): Stryker over one scope at a time,
// each mutant judged by the unit tests that load that scope's modules (only those: a mutant costs
// one run of them). The scope comes from MUTATION_SCOPE; the report goes to
// reports/mutation/<scope>.json. Stryker mutates dist/, which the unit tests load.
export const SCOPES = {
  propagation: {
    mutate: ['dist/agent/propagation/**/*.js'],
    tests: 'propagation|own-hop|header-fuzz|kafkajs-recipes|kafka-client-shapes|service-map|baggage-limits|kafkajs-headers',
  },
  otlp: {
    mutate: ['dist/agent/exporters/otlp/**/*.js'],
    tests: 'otlp-encoding|batch-processor',
  },
  config: {
    mutate: ['dist/agent/config/**/*.js'],
    tests: 'config|service-map|app-package|span-limits|baggage-limits|env-reader|jaeger-settings',
  },
  'kafkajs-headers': {
    mutate: ['dist/instrumentations/kafkajs/headers.js', 'dist/instrumentations/kafkajs/copies.js'],
    tests: 'header-fuzz|kafkajs-recipes|kafka-client-shapes|own-hop|kafkajs-batch-cursor|kafkajs-copies|kafkajs-headers',
  },
};

const name = process.env.MUTATION_SCOPE;
const scope = SCOPES[name];
if (!scope) throw new Error(`MUTATION_SCOPE must be one of ${Object.keys(SCOPES).join(', ')}; got ${JSON.stringify(name)}`);

export default {
  testRunner: 'command',
  plugins: ['@stryker-mutator/*', './test/mutation/ignore-emitted.mjs'],
  ignorers: ['typescript-emitted'],
  commandRunner: { command: `node node_modules/uvu/bin.js test/unit "(${scope.tests})"` },
  mutate: scope.mutate,
  ignorePatterns: ['bench', 'examples/node_modules', 'test/fixtures/*/node_modules', 'reports', '.stryker-tmp', 'test/mutation'],
  coverageAnalysis: 'off',
  concurrency: 2,
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress-append-only', 'json'],
  clearTextReporter: { allowColor: false, logTests: false },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
