#!/usr/bin/env node
// Thin launcher: the CLI lives in src/cli/etran.ts, compiled to dist/ by `npm run build`.
import('../dist/cli/etran.js')
  .then((m) => m.main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  });
