'use strict';

const { EXIT_OK } = require('../errors.js');

module.exports = {
  name: 'version',
  summary: 'Print the version',
  usage: 'pacto version',
  args: { min: 0, max: 0 },
  flags: [],
  description: 'Prints the version of the pacto-wasm build (same as pacto --version).',

  run(ctx) {
    const version = ctx.api().version();
    ctx.out(ctx.format === 'json' ? `${JSON.stringify({ version }, null, 2)}\n` : `pacto version ${version}\n`);
    return EXIT_OK;
  },
};
