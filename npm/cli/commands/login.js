'use strict';

const { storeLogin, normalizeHost } = require('../credentials.js');
const { CliError, UsageError, EXIT_OK } = require('../errors.js');

const HOST = /^(localhost|\[[0-9a-fA-F:.]+\]|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(:[0-9]{1,5})?$/;

/** Reads a password from a terminal with echo off. */
function promptPassword(stdin, stderr) {
  return new Promise((resolve, reject) => {
    let value = '';
    stderr.write('Password: ');
    const finish = () => {
      stdin.removeListener('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk) => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new CliError('login cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setEncoding('utf8');
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** All of a piped stdin, without the final line break. */
async function readAll(stdin) {
  const chunks = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

module.exports = {
  name: 'login',
  summary: 'Store credentials for a registry',
  usage: 'pacto login <registry> -u <user>',
  args: { min: 1, max: 1 },
  flags: [
    { name: 'username', short: 'u', type: 'string', valueName: 'USER', description: 'the user name (required)' },
    { name: 'password-stdin', type: 'boolean', description: 'read the password from stdin' },
    {
      name: 'password',
      short: 'p',
      type: 'string',
      valueName: 'PASSWORD',
      description: 'the password (visible to other users: prefer --password-stdin)',
    },
  ],
  description: `Stores a user name and password (or access token) for <registry>, a host
such as ghcr.io or localhost:5000, in the pacto config:
$XDG_CONFIG_HOME/pacto/config.json, else ~/.config/pacto/config.json, as
{"auths": {"<registry>": {"auth": "<base64 of user:password>"}}}. Other
entries are kept. The directory is made private (0700) and the file 0600.
The registry is not contacted: a wrong password shows on the next push or pull.

The password comes from --password-stdin, else a prompt (without echo) when
stdin is a terminal, else whatever is piped to stdin.

  echo "$GITHUB_TOKEN" | pacto login ghcr.io -u my-user --password-stdin

Environment variables (PACTO_REGISTRY_TOKEN, PACTO_REGISTRY_USERNAME and
PACTO_REGISTRY_PASSWORD) take precedence over stored credentials for the
registries they cover: those named on the command line, or PACTO_REGISTRY_HOST's.

Output: "Login succeeded for <registry>" (in every format).

Exit status: 0 stored, 2 usage or I/O error.`,

  async run(ctx) {
    const host = normalizeHost(ctx.args[0]);
    if (!HOST.test(host)) {
      throw new UsageError(`invalid registry "${ctx.args[0]}": expected a host such as ghcr.io or localhost:5000`, 'login');
    }
    const username = ctx.flags.username;
    if (username === undefined || username === '') throw new UsageError('--username is required', 'login');
    if (username.includes(':')) throw new UsageError('the user name must not contain ":"', 'login');

    let password = ctx.flags.password;
    if (password !== undefined) {
      if (ctx.flags['password-stdin']) throw new UsageError('--password and --password-stdin are mutually exclusive', 'login');
      ctx.err('pacto: warning: a password on the command line can be seen by other users; prefer --password-stdin\n');
    } else {
      const stdin = ctx.stdin || process.stdin;
      if (!ctx.flags['password-stdin'] && stdin.isTTY && typeof stdin.setRawMode === 'function') {
        password = await promptPassword(stdin, ctx.stderr || process.stderr);
      } else {
        password = await readAll(stdin);
      }
    }
    if (password === '') throw new CliError('no password given (pipe it with --password-stdin, or run in a terminal to be prompted)');

    try {
      storeLogin(host, username, password, ctx.env || process.env);
    } catch (error) {
      throw new CliError(error.message.startsWith('cannot update') ? error.message : `cannot store the credentials: ${error.message}`, {
        cause: error,
      });
    }
    ctx.out(`Login succeeded for ${host}\n`);
    return EXIT_OK;
  },
};
