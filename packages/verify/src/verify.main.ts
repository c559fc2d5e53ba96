// Entry point of the bundled verify.js. The package folder defaults to the one verify.js is in.
import { dirname } from 'node:path';
import { main } from './verify.cli.js';

main(process.argv.slice(2), process.argv[1] ? dirname(process.argv[1]) : '.').then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`verify.js: could not run: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 3;
  },
);
