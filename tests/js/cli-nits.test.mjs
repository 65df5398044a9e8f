// Two CLI details: a mistyped flag gets the "did you mean" a mistyped command
// gets, and `pacto init` refuses a name its own `validate` would reject.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { pacto, tempDir } from './helpers.mjs';

test('a mistyped flag: did you mean the right one', () => {
  const run = pacto(['validate', '--outptu-format', 'json', '.']);
  assert.equal(run.status, 2);
  assert.equal(
    run.stderr,
    "pacto: unknown flag: --outptu-format\n\nDid you mean this?\n\t--output-format\nRun 'pacto validate --help' for usage.\n",
  );
  // A command's own flags count too; nothing close: no suggestion.
  assert.match(pacto(['pull', 'oci://localhost:1/x', '--ouptut', 'd']).stderr, /Did you mean this\?\n\t--output\n/);
  assert.equal(pacto(['validate', '--zzzzzzzz']).stderr, "pacto: unknown flag: --zzzzzzzz\nRun 'pacto validate --help' for usage.\n");
});

test('init refuses a name that is not a valid service.name, suggests one, writes nothing', () => {
  const cwd = tempDir('init-bad-name');
  const run = pacto(['init', 'Order Service'], { cwd });
  assert.equal(run.status, 2);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^pacto: `service\.name` "Order Service" is not a valid service name: .*; did you mean "order-service"\?\n/);
  assert.deepEqual(fs.readdirSync(cwd), []);
  // Nothing valid to suggest: the refusal alone.
  const dashes = pacto(['init', '__'], { cwd });
  assert.equal(dashes.status, 2);
  assert.doesNotMatch(dashes.stderr, /did you mean/);
  assert.deepEqual(fs.readdirSync(cwd), []);
});

test('init with a path: the last segment is the service name, and the scaffold validates', () => {
  const cwd = tempDir('init-path');
  const run = pacto(['init', 'services/billing'], { cwd });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, 'service name: billing (the last segment of services/billing)\n');
  assert.match(fs.readFileSync(path.join(cwd, 'services', 'billing', 'pacto.yaml'), 'utf8'), /^ {2}name: billing$/m);
  const check = pacto(['validate', 'services/billing'], { cwd });
  assert.equal(check.status, 0, check.stdout + check.stderr);
});
