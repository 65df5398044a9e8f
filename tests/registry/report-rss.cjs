'use strict';
// Preloaded into a pacto child process by the bounds suite (NODE_OPTIONS=--require):
// writes the process's peak resident set size, in KiB, to PACTO_TEST_RSS_FILE on exit.
const fs = require('node:fs');

const file = process.env.PACTO_TEST_RSS_FILE;
if (file) {
  process.on('exit', () => {
    fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
  });
}
