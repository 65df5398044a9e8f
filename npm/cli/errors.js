'use strict';
// Exit codes (spec/README.md, departure 5) and the errors the CLI expects.
// Anything thrown that is not a CliError is a bug: it is reported with exit 2,
// never 0.

const EXIT_OK = 0;
const EXIT_FINDINGS = 1; // invalid contract, unparseable contract
const EXIT_ERROR = 2; // usage, I/O

class CliError extends Error {
  /**
   * @param {string} message printed after `pacto: `
   * @param {{ exitCode?: number, hint?: string, cause?: unknown }} [options]
   */
  constructor(message, options = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? EXIT_ERROR;
    this.hint = options.hint;
  }
}

// A mistake in how the command was typed: the hint points at the right help.
class UsageError extends CliError {
  constructor(message, command) {
    super(message, { hint: `Run '${command ? `pacto ${command} --help` : 'pacto --help'}' for usage.` });
    this.name = 'UsageError';
  }
}

module.exports = { EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, CliError, UsageError };
