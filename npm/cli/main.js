'use strict';
// The `pacto` CLI: parse arguments, run one command, map the outcome to an
// exit status. All domain work happens in wasm; this side reads files,
// prints and sets the exit status.

const commands = require('./commands/index.js');
const { parseArgs, resolveFlag, checkArgCount, suggest } = require('./args.js');
const { globalHelp, commandHelp } = require('./help.js');
const { FORMATS } = require('./report.js');
const { CliError, UsageError, EXIT_OK, EXIT_ERROR } = require('./errors.js');
const { printableLines } = require('./printable.js');

/** @type {import('./args.js').FlagSpec[]} */
const GLOBAL_FLAGS = [
  {
    name: 'output-format',
    type: 'string',
    valueName: 'FORMAT',
    choices: FORMATS,
    env: 'PACTO_OUTPUT_FORMAT',
    defaultValue: 'text',
    description: `${FORMATS.join(', ')} (default text; env PACTO_OUTPUT_FORMAT)`,
  },
  { name: 'help', short: 'h', type: 'boolean', description: 'show help' },
  { name: 'version', type: 'boolean', description: 'print the version' },
];

function findCommand(name) {
  const command = commands.find((c) => c.name === name);
  if (command) return command;
  const close = suggest(name, commands.filter((c) => !c.hidden).map((c) => c.name));
  const hint = close.length > 0 ? `\n\nDid you mean this?\n${close.map((c) => `\t${c}`).join('\n')}` : '';
  throw new UsageError(`unknown command "${name}" for "pacto"${hint}`);
}

// Loaded on first use, so that help and usage errors work without the wasm build.
let api;
function loadApi() {
  if (api === undefined) api = require('../index.js');
  return api;
}

/**
 * Runs the CLI.
 * @param {string[]} argv arguments after `pacto`
 * @param {{ stdout: NodeJS.WritableStream & { isTTY?: boolean }, stderr: NodeJS.WritableStream & { isTTY?: boolean }, stdin?: NodeJS.ReadableStream, env: Record<string, string | undefined> }} io
 * @returns {number | Promise<number>} the exit status; a Promise for the
 *   commands that talk to a registry (or read from stdin)
 */
function main(argv, io) {
  const out = (text) => io.stdout.write(text);
  const help = {
    global: () => globalHelp(commands, GLOBAL_FLAGS),
    command: (command) => commandHelp(command, GLOBAL_FLAGS),
  };
  // Messages may quote registries, archives and paths: printed through printableLines.
  const fail = (error) => {
    if (error instanceof CliError) {
      io.stderr.write(`pacto: ${printableLines(error.message)}\n`);
      if (error.hint) io.stderr.write(`${printableLines(error.hint)}\n`);
      return error.exitCode;
    }
    // Not an expected failure: say so, and keep the stack for whoever debugs it.
    const detail = io.env.PACTO_DEBUG ? `\n${error && error.stack}` : '';
    io.stderr.write(`pacto: internal error: ${printableLines(error && error.message ? error.message : String(error))}${detail}\n`);
    return EXIT_ERROR;
  };
  try {
    const { command, positionals, flags } = parseArgs(argv, { globalFlags: GLOBAL_FLAGS, findCommand });
    if (flags.help) {
      out(command ? help.command(command) : help.global());
      return EXIT_OK;
    }
    if (flags.version) {
      out(`pacto version ${loadApi().version()}\n`);
      return EXIT_OK;
    }
    if (!command) {
      out(help.global());
      return EXIT_OK;
    }
    const formatSpec = command.formats ? { ...GLOBAL_FLAGS[0], choices: command.formats } : GLOBAL_FLAGS[0];
    const format = resolveFlag(formatSpec, flags, io.env, command.name);
    checkArgCount(command, positionals);
    const status = command.run({
      args: positionals,
      flags,
      format,
      color: Boolean(io.stdout.isTTY) && io.env.NO_COLOR === undefined,
      out,
      err: (text) => io.stderr.write(text),
      env: io.env,
      stderr: io.stderr,
      get stdin() {
        return io.stdin; // only opened by the commands that read it
      },
      api: loadApi,
      help,
      findCommand,
    });
    return status && typeof status.then === 'function' ? status.then((code) => code, fail) : status;
  } catch (error) {
    return fail(error);
  }
}

module.exports = { main, GLOBAL_FLAGS, commands };
