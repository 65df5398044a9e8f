'use strict';

const { EXIT_OK } = require('../errors.js');

module.exports = {
  name: 'help',
  summary: 'Show help for pacto or one of its commands',
  usage: 'pacto help [command]',
  args: { min: 0, max: 1 },
  flags: [],
  description: 'Same as pacto --help, or pacto <command> --help.',

  run(ctx) {
    const name = ctx.args[0];
    ctx.out(name === undefined ? ctx.help.global() : ctx.help.command(ctx.findCommand(name)));
    return EXIT_OK;
  },
};
