import { defineConfig } from 'vitest/config';
import swc from 'unplugin-swc';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export default defineConfig({
  // SWC keeps TypeScript's decorator metadata, which NestJS's dependency injection needs.
  plugins: [swc.vite({ module: { type: 'es6' }, jsc: { target: 'es2022', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true } } })],
  resolve: {
    conditions: ['source'],
    // graphql ships CommonJS and ESM copies; NestJS loads the CommonJS one, so must we,
    // or a scalar defined here is "from another module" to the schema builder.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts', 'libs/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'prisma/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/bench/**'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: 'test-output/results.json' }]],
  },
});
