'use strict';
// The command table. A new command (graph, doc, ...) is one module in this
// directory with the same shape, added to this list:
//   { name, summary, usage, args: {min, max}, flags: FlagSpec[], description, run(ctx) }
// run(ctx) returns the exit status (or a Promise of it), or throws a CliError.

module.exports = [
  require('./init.js'),
  require('./validate.js'),
  require('./explain.js'),
  require('./diff.js'),
  require('./pack.js'),
  require('./push.js'),
  require('./pull.js'),
  require('./login.js'),
  require('./version.js'),
  require('./help.js'),
];
