'use strict';
// Help texts, built from the command table and the flag specs.

function flagColumn(spec) {
  const short = spec.short ? `-${spec.short}, ` : '    ';
  const value = spec.type === 'string' ? ` ${spec.valueName || 'VALUE'}` : '';
  return `  ${short}--${spec.name}${value}`;
}

function flagLines(specs) {
  const left = specs.map(flagColumn);
  const width = Math.max(...left.map((l) => l.length)) + 3;
  return specs.map((spec, i) => left[i].padEnd(width) + spec.description);
}

function globalHelp(commands, globalFlags) {
  const listed = commands.filter((c) => !c.hidden);
  const width = Math.max(...listed.map((c) => c.usage.replace(/^pacto /, '').length)) + 3;
  return [
    'pacto: describe, validate, explain, compare, document and publish service contracts',
    '(pacto.yaml), with the Pacto core compiled to WebAssembly.',
    '',
    'Usage:',
    '  pacto [--output-format FORMAT] <command> [arguments]',
    '',
    'Commands:',
    ...listed.map((c) => `  ${c.usage.replace(/^pacto /, '').padEnd(width)}${c.summary}`),
    '',
    'Global flags (before or after the command):',
    ...flagLines(globalFlags),
    '',
    'Exit status:',
    '  0  success; a contract with warnings only is valid; a diff with no breaking change;',
    '     graph: the root loaded (dependency errors, cycles and conflicts are output)',
    '  1  findings: the contract is invalid or cannot be parsed; diff: breaking changes;',
    '     pack/push: invalid contract, push: a local dependency',
    '  2  usage or I/O error',
    '     diff: a side that cannot be loaded or parsed; graph, doc: a root that',
    '     cannot be loaded or parsed',
    '     registry: not found, authentication failed, unreachable, digest mismatch,',
    '     refused archive',
    '',
    "Run 'pacto <command> --help' for more about a command.",
    '',
  ].join('\n');
}

function commandHelp(command, allGlobalFlags) {
  // A command with its own output formats (graph: dot) lists them.
  const globalFlags = allGlobalFlags.map((spec) =>
    spec.name === 'output-format' && command.formats
      ? { ...spec, description: spec.description.replace(spec.choices.join(', '), command.formats.join(', ')) }
      : spec,
  );
  const lines = [command.summary, '', 'Usage:', `  ${command.usage}`, '', command.description, ''];
  if (command.flags && command.flags.length > 0) {
    lines.push('Flags:', ...flagLines(command.flags), '');
  }
  lines.push('Global flags:', ...flagLines(globalFlags), '');
  return lines.join('\n');
}

module.exports = { globalHelp, commandHelp };
