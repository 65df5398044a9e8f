'use strict';
// Hand-written argument parsing. Global flags may stand before or after the
// command; a command's own flags are known once the command is. Supported
// forms: `--flag value`, `--flag=value`, `-x value`, `-xvalue`, boolean `-h`
// clusters such as `-hv`, and `--` to end flag parsing.

const { UsageError } = require('./errors.js');

/**
 * @typedef {object} FlagSpec
 * @property {string} name long name, without `--`
 * @property {string} [short] one-letter alias, without `-`
 * @property {'boolean' | 'string'} type
 * @property {string} [valueName] shown in help, e.g. FORMAT
 * @property {string} description
 * @property {readonly string[]} [choices] accepted values of a string flag
 * @property {string} [env] environment variable used when the flag is absent
 * @property {string} [defaultValue] used when neither flag nor env is set
 * @property {boolean} [multiple] a string flag that may be repeated: its value is the list
 */

/**
 * @param {string[]} argv the arguments after `pacto`
 * @param {{ globalFlags: FlagSpec[], findCommand: (name: string) => { name: string, flags?: FlagSpec[] } }} options
 *   findCommand throws a UsageError for an unknown command.
 * @returns {{ command: object | null, positionals: string[], flags: Record<string, string | boolean> }}
 */
function parseArgs(argv, { globalFlags, findCommand }) {
  let command = null;
  let flagSpecs = globalFlags;
  const positionals = [];
  const flags = {};
  let flagsEnded = false;

  const commandName = () => (command ? command.name : undefined);

  const setFlag = (spec, inlineValue, takeNext, shownAs) => {
    if (spec.type === 'boolean') {
      if (inlineValue === undefined || inlineValue === 'true') flags[spec.name] = true;
      else if (inlineValue === 'false') flags[spec.name] = false;
      else throw new UsageError(`invalid value "${inlineValue}" for ${shownAs}: must be true or false`, commandName());
      return;
    }
    const value = inlineValue !== undefined ? inlineValue : takeNext();
    if (value === undefined) throw new UsageError(`flag needs an argument: ${shownAs}`, commandName());
    if (spec.multiple) flags[spec.name] = [...(flags[spec.name] || []), value];
    else flags[spec.name] = value;
  };

  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i];
    const takeNext = () => (i + 1 < argv.length ? argv[++i] : undefined);

    if (flagsEnded || token === '-' || !token.startsWith('-')) {
      if (command === null && !flagsEnded) {
        command = findCommand(token);
        flagSpecs = [...globalFlags, ...(command.flags || [])];
      } else {
        positionals.push(token);
      }
      continue;
    }
    if (token === '--') {
      flagsEnded = true;
      continue;
    }
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const name = eq === -1 ? token.slice(2) : token.slice(2, eq);
      const spec = flagSpecs.find((f) => f.name === name);
      if (!spec) throw new UsageError(`unknown flag: --${name}${didYouMean(name, flagSpecs)}`, commandName());
      setFlag(spec, eq === -1 ? undefined : token.slice(eq + 1), takeNext, `--${name}`);
      continue;
    }
    // Short flags: a cluster of booleans, possibly ending with one that takes a value.
    for (let j = 1; j < token.length; j += 1) {
      const letter = token[j];
      const spec = flagSpecs.find((f) => f.short === letter);
      if (!spec) throw new UsageError(`unknown shorthand flag: '${letter}' in ${token}`, commandName());
      if (spec.type === 'boolean') {
        setFlag(spec, undefined, takeNext, `-${letter}`);
        continue;
      }
      const rest = token.slice(j + 1);
      setFlag(spec, rest === '' ? undefined : rest.replace(/^=/, ''), takeNext, `-${letter}`);
      break;
    }
  }
  // `pacto -- validate` still names a command.
  if (command === null && positionals.length > 0) {
    command = findCommand(positionals.shift());
  }
  return { command, positionals, flags };
}

/**
 * The value of a string flag: the flag, else its environment variable, else its default.
 * Values outside `choices` are usage errors, wherever they came from.
 * @param {FlagSpec} spec
 * @param {Record<string, string | boolean>} flags
 * @param {Record<string, string | undefined>} env
 * @param {string} [commandName]
 */
function resolveFlag(spec, flags, env, commandName) {
  let value = flags[spec.name];
  let source = `--${spec.name}`;
  if (value === undefined && spec.env && env[spec.env] !== undefined && env[spec.env] !== '') {
    value = env[spec.env];
    source = spec.env;
  }
  if (value === undefined) return spec.defaultValue;
  if (spec.choices && !spec.choices.includes(value)) {
    throw new UsageError(
      `invalid value "${value}" for ${source}: must be one of ${spec.choices.join(', ')}`,
      commandName,
    );
  }
  return value;
}

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Known names close to `name` (typos, or a prefix of a longer name). */
function suggest(name, known) {
  return known.filter((k) => editDistance(name, k) <= 2 || (name.length >= 2 && k.startsWith(name)));
}

// The same hint as for a mistyped command, e.g. --outptu-format -> --output-format.
function didYouMean(name, flagSpecs) {
  const close = suggest(name, flagSpecs.map((f) => f.name));
  return close.length > 0 ? `\n\nDid you mean this?\n${close.map((f) => `\t--${f}`).join('\n')}` : '';
}

/**
 * Enforces a command's positional argument count.
 * @param {{ name: string, args: { min: number, max: number } }} command
 * @param {string[]} positionals
 */
function checkArgCount(command, positionals) {
  const { min, max } = command.args;
  const n = positionals.length;
  if (n >= min && n <= max) return;
  let expected;
  if (min === max) expected = `accepts ${min} arg(s)`;
  else if (min === 0) expected = `accepts at most ${max} arg(s)`;
  else expected = `accepts between ${min} and ${max} arg(s)`;
  throw new UsageError(`${command.name} ${expected}, received ${n}`, command.name);
}

module.exports = { parseArgs, resolveFlag, checkArgCount, suggest };
