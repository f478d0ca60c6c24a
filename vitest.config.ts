import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', 'dist/**', 'e2e/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Corpus tests are heavy; two cores.
    maxWorkers: 2,
  },
});
