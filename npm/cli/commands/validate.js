'use strict';

const { readBundleArg } = require('../bundle-arg.js');
const { renderReport } = require('../report.js');
const { EXIT_OK, EXIT_FINDINGS } = require('../errors.js');

module.exports = {
  name: 'validate',
  summary: 'Validate a contract bundle',
  usage: 'pacto validate [path]',
  args: { min: 0, max: 1 },
  flags: [],
  description: `Validates the contract in three layers: JSON Schema, cross-field rules
and semantic checks. [path] is a bundle directory (default: the current
directory) or its contract file (my-service/pacto.yaml); file:// is accepted.

Output (stdout):
  text      "<path> is valid|invalid", then one line per diagnostic,
            "<file>:<line>:<col>: <severity> <CODE> <path>: <message>",
            errors first, then warnings, then a count such as "2 errors, 1 warning"
  json      {"valid": bool, "errors": [Diagnostic], "warnings": [Diagnostic]};
            Diagnostic = {code, severity, path, message, range?}, range =
            {start: {line, column}, end: {line, column}}, 1-based
  markdown  a heading with the verdict and a table of the diagnostics
  github    one ::error / ::warning workflow command per diagnostic (annotations
            in GitHub Actions), then the verdict line

Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage or I/O error
(missing directory, no pacto.yaml, unreadable or oversized file).`,

  run(ctx) {
    const { target, contractFile, bundle } = readBundleArg(ctx.args[0]);
    const result = ctx.api().validate(bundle);
    ctx.out(renderReport(result, ctx.format, { target, contractFile, color: ctx.color }));
    return result.valid ? EXIT_OK : EXIT_FINDINGS;
  },
};
