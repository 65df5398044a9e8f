'use strict';
// The command table. A new command is one module in this directory with the
// same shape, added to this list:
//   { name, summary, usage, args: {min, max}, flags: FlagSpec[], formats?, description, run(ctx) }
// formats: the --output-format values the command takes, when not the global ones.
// run(ctx) returns the exit status (or a Promise of it), or throws a CliError.

module.exports = [
  require('./init.js'),
  require('./validate.js'),
  require('./explain.js'),
  require('./diff.js'),
  require('./graph.js'),
  require('./doc.js'),
  require('./pack.js'),
  require('./push.js'),
  require('./pull.js'),
  require('./login.js'),
  require('./serve.js'),
  require('./version.js'),
  require('./help.js'),
];
