'use strict';

const { withBundle } = require('../bundle-arg.js');
const { PLAIN_HTTP_FLAG, NO_CACHE_FLAG } = require('../registry.js');
const { renderReport } = require('../report.js');
const { EXIT_OK, EXIT_FINDINGS } = require('../errors.js');
const { printableLines } = require('../printable.js');

function withNewline(text) {
  return text.endsWith('\n') ? text : `${text}\n`;
}

module.exports = {
  name: 'explain',
  summary: 'Summarise a contract',
  usage: 'pacto explain [path]',
  args: { min: 0, max: 1 },
  flags: [NO_CACHE_FLAG, PLAIN_HTTP_FLAG],
  description: `Prints a summary of the contract: service, runtime, interfaces,
dependencies and scaling. The contract is parsed, not validated: a contract
that fails validation still explains. [path] is as for validate: a bundle
directory, contract file, .tar.gz archive or registry reference.

Output (stdout): text and markdown are the summary; json is
{name, version, owner?, pactoVersion, runtime, interfaces?, dependencies?,
scaling?, metadata?}; github prints the text summary.

When pacto.yaml cannot be parsed, the parse errors are printed exactly as
"pacto validate" prints them in the selected format (json:
{"valid": false, "errors": [...], "warnings": []}) and the exit status is 1.

Exit status: 0 explained, 1 unparseable contract, 2 usage, I/O or
registry error.`,

  run(ctx) {
    // An unparseable contract is reported exactly as validate reports it.
    const parseErrors = (errors, { target, contractFile }) => {
      ctx.out(renderReport({ valid: false, errors, warnings: [] }, ctx.format, { target, contractFile, color: ctx.color }));
      return EXIT_FINDINGS;
    };
    const explainBundle = (loaded) => {
      const format = ctx.format === 'github' ? 'text' : ctx.format;
      let output;
      try {
        output = ctx.api().explain(loaded.bundle, format);
      } catch (error) {
        if (error && Array.isArray(error.diagnostics)) return parseErrors(error.diagnostics, loaded);
        throw error;
      }
      // Text and markdown quote the contract as written: made printable for the terminal.
      ctx.out(withNewline(format === 'json' ? output : printableLines(output)));
      return EXIT_OK;
    };
    return withBundle(ctx, ctx.args[0], explainBundle, parseErrors);
  },
};
