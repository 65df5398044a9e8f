'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { identityOf } = require('../bundle-arg.js');
const { sourceFor, rootParseFailure } = require('../source.js');
const { PLAIN_HTTP_FLAG, NO_CACHE_FLAG } = require('../registry.js');
const { CliError, UsageError, EXIT_OK } = require('../errors.js');
const { printableLines } = require('../printable.js');

// The service name becomes a file name only if it is one plain path segment.
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Writes `<dir>/<name>.md`, creating dir; returns the path written. */
function writeDoc(dir, name, markdown) {
  if (!SAFE_NAME.test(name)) {
    throw new CliError(`the service name "${name}" is not a safe file name: the document was not written`);
  }
  const file = path.join(dir, `${name}.md`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    fs.writeFileSync(file, markdown);
  } catch (error) {
    throw new CliError(`cannot write ${file}: ${error.code === 'EACCES' ? 'permission denied' : error.message}`, {
      cause: error,
    });
  }
  return file;
}

module.exports = {
  name: 'doc',
  summary: 'Generate Markdown documentation for a contract',
  usage: 'pacto doc [path] [-o dir]',
  args: { min: 0, max: 1 },
  flags: [
    { name: 'output', short: 'o', type: 'string', valueName: 'DIR', description: 'also write the document to DIR/<service name>.md' },
    NO_CACHE_FLAG,
    PLAIN_HTTP_FLAG,
  ],
  description: `Prints the Markdown documentation of a contract: a summary, the runtime
concepts, an architecture diagram (Mermaid) of the service and its resolved
dependencies, the interfaces (with the operations of OpenAPI documents), the
configuration properties, and a section per dependency. [path] is as for
graph; dependencies are resolved as graph resolves them, and one that cannot
be loaded is only left out of the diagram and the details. The contract is
parsed, not validated.

With -o DIR, the document is also written to DIR/<service name>.md (DIR is
created if needed) and "Wrote <file>" is printed on stderr.

Output (stdout):
  text, markdown, github  the Markdown document
  json                    {"serviceName", "markdown", "path"?}; path only
                          with -o

Exit status: 0 documented, 2 when the root cannot be loaded or parsed,
usage, I/O or registry error.`,

  async run(ctx) {
    if (ctx.flags.output === '') throw new UsageError('--output must not be empty', 'doc');
    const { loaded, source } = await sourceFor(ctx, ctx.args[0]);
    let markdown;
    try {
      markdown = await ctx.api().doc(loaded.bundle, source);
    } catch (error) {
      throw rootParseFailure(loaded, error);
    }
    const { name } = identityOf(ctx.api(), loaded.bundle, loaded.target);
    let written;
    if (ctx.flags.output !== undefined) {
      written = writeDoc(ctx.flags.output, name, markdown);
      ctx.err(`Wrote ${written}\n`);
    }
    if (ctx.format === 'json') {
      const out = { serviceName: name, markdown };
      if (written !== undefined) out.path = written;
      ctx.out(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      // On stdout (a terminal, a log) the contract's text is made printable; the file written
      // with --output keeps the document as generated.
      const shown = printableLines(markdown);
      ctx.out(shown.endsWith('\n') ? shown : `${shown}\n`);
    }
    return EXIT_OK;
  },
};
