#!/usr/bin/env node
// The `chainline` command. The CLI is TypeScript compiled by `npm run build` to dist/node.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'node', 'electron', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('chainline: not built yet; run `npm run build` in ' + root + '\n');
  process.exit(2);
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
