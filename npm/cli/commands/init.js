'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { CliError, UsageError, EXIT_OK } = require('../errors.js');

// `name/` for display, however many slashes were typed at the end.
function displayDir(name) {
  return name.replace(/[\\/]+$/, '') || name;
}

// The scaffold's top-level entries, as listed after "Created <name>/":
// files at the root, then each top-level directory once.
function topLevelEntries(files) {
  const entries = [];
  for (const key of Object.keys(files)) {
    const slash = key.indexOf('/');
    const entry = slash === -1 ? key : key.slice(0, slash + 1);
    if (!entries.includes(entry)) entries.push(entry);
  }
  return entries;
}

function writeScaffold(dir, files) {
  // mkdirSync returns the first directory it created: everything below it is ours to undo.
  const created = fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  try {
    for (const [key, content] of Object.entries(files)) {
      const target = path.join(dir, ...key.split('/'));
      if (key.endsWith('/')) {
        fs.mkdirSync(target, { recursive: true, mode: 0o755 });
        continue;
      }
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
      fs.writeFileSync(target, content, { mode: 0o644, flag: 'wx' });
    }
  } catch (error) {
    if (created !== undefined) fs.rmSync(created, { recursive: true, force: true });
    throw new CliError(`cannot write ${dir}: ${error.message}`, { cause: error });
  }
}

module.exports = {
  name: 'init',
  summary: 'Scaffold a new contract bundle',
  usage: 'pacto init <name>',
  args: { min: 1, max: 1 },
  flags: [],
  description: `Creates <name>/ in the current directory with pacto.yaml,
interfaces/openapi.yaml and configuration/schema.json: a contract that
validates with no errors and no warnings. The name (for a path such as
services/billing, its last segment) is the service name, so it must be a
valid service.name (lowercase letters, digits and hyphens, starting and
ending with a letter or digit): another name is refused, with a valid one
suggested ("Order Service" -> order-service).
Nothing is written if <name> already exists.

Output: text, markdown and github list what was created; json is
{"dir": "<name>", "path": "<name>/pacto.yaml", "files": ["<name>/...", ...]}.

Exit status: 0 created, 2 usage or I/O error (existing path, empty or
invalid name).`,

  run(ctx) {
    const name = ctx.args[0];
    // A path (services/billing, billing/) names the directory; its last segment is the service.
    const serviceName = path.basename(displayDir(name));
    let files;
    try {
      files = ctx.api().init(serviceName);
    } catch (error) {
      throw new CliError(error && error.message ? error.message : String(error), { cause: error });
    }
    checkServiceName(ctx.api(), serviceName, files);
    if (serviceName !== displayDir(name)) ctx.err(`service name: ${serviceName} (the last segment of ${name})\n`);
    const dir = displayDir(name);
    if (pathExists(name)) {
      throw new CliError(`directory "${name}" already exists`);
    }
    writeScaffold(name, files);

    if (ctx.format === 'json') {
      const json = {
        dir: name,
        path: `${dir}/pacto.yaml`,
        files: Object.keys(files)
          .filter((key) => !key.endsWith('/'))
          .map((key) => `${dir}/${key}`),
      };
      ctx.out(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      const lines = [`Created ${dir}/`, ...topLevelEntries(files).map((entry) => `  ${dir}/${entry}`)];
      ctx.out(`${lines.join('\n')}\n`);
    }
    return EXIT_OK;
  },
};

// The scaffold must pass its own `validate`: the validator's verdict on
// service.name is the rule, so the CLI cannot drift from it. Refused, not
// silently renamed: the name is also the directory the user asked for.
function checkServiceName(api, name, files) {
  const problem = api.validate(files).errors.find((d) => d.path === 'service.name');
  if (problem === undefined) return;
  const normalised = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  let hint = '';
  if (normalised !== '' && normalised !== name) {
    let candidate;
    try {
      candidate = api.init(normalised);
    } catch {
      candidate = undefined;
    }
    if (candidate && !api.validate(candidate).errors.some((d) => d.path === 'service.name')) {
      hint = `; did you mean "${normalised}"?`;
    }
  }
  throw new UsageError(`${problem.message}${hint}`, 'init');
}

// lstat, not stat: a dangling symlink is in the way too.
function pathExists(p) {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
