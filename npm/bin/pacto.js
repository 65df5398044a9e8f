#!/usr/bin/env node
'use strict';

const { main } = require('../cli/main.js');

// `pacto validate | head -1`: a closed pipe ends the output, not with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

const status = main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // Only `pacto login` reads stdin: do not open it otherwise.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
});
// Registry commands finish later; the exit status is set when they do.
Promise.resolve(status).then((code) => {
  process.exitCode = code;
});
