'use strict';

const { withBundle } = require('../bundle-arg.js');
const { PLAIN_HTTP_FLAG, NO_CACHE_FLAG } = require('../registry.js');
const { renderReport } = require('../report.js');
const { EXIT_OK, EXIT_FINDINGS } = require('../errors.js');

module.exports = {
  name: 'validate',
  summary: 'Validate a contract bundle',
  usage: 'pacto validate [path]',
  args: { min: 0, max: 1 },
  flags: [NO_CACHE_FLAG, PLAIN_HTTP_FLAG],
  description: `Validates the contract in three layers: JSON Schema, cross-field rules
and semantic checks. [path] is a bundle directory (default: the current
directory), its contract file (my-service/pacto.yaml; file:// is accepted),
a bundle archive (.tar.gz), or a registry reference: oci://host/repo[:tag],
or host/repo[:tag] with a registry host (ghcr.io/acme/svc:1.0.0) when no
such path exists. A reference without a tag resolves to the highest semver
tag; the bundle is pulled through the blob cache (see pacto pull).

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

Exit status: 0 valid (warnings allowed), 1 invalid, 2 usage, I/O or
registry error (missing directory, no pacto.yaml, unreadable or oversized
file, refused archive, registry unreachable, authentication failed).`,

  run(ctx) {
    return withBundle(
      ctx,
      ctx.args[0],
      ({ target, contractFile, bundle }) => {
        const result = ctx.api().validate(bundle);
        ctx.out(renderReport(result, ctx.format, { target, contractFile, color: ctx.color }));
        return result.valid ? EXIT_OK : EXIT_FINDINGS;
      },
      (errors, { target, contractFile }) => {
        ctx.out(renderReport({ valid: false, errors, warnings: [] }, ctx.format, { target, contractFile, color: ctx.color }));
        return EXIT_FINDINGS;
      },
    );
  },
};
