#!/usr/bin/env node
// The cold-start reference: one process that imports js-yaml and ajv, compiles the
// Pacto schema (draft 2020-12), reads one pacto.yaml and validates it, printing
// {"valid": …, "errors": […]} like `pacto validate --output-format json`.
//
//   node bench/ajv-one.mjs <bundle dir | pacto.yaml>
//
// Exit status: 0 valid, 1 invalid, 2 usage or I/O error.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load as loadYaml } from 'js-yaml';
import Ajv2020 from 'ajv/dist/2020.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const schemaPath = path.join(here, '..', 'core', 'schema', 'pacto-v1.0.schema.json');

const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: node bench/ajv-one.mjs <bundle dir | pacto.yaml>\n');
  process.exit(2);
}
let file = target;
let text;
try {
  if (fs.statSync(file).isDirectory()) file = path.join(file, 'pacto.yaml');
  text = fs.readFileSync(file, 'utf8');
} catch (error) {
  process.stderr.write(`ajv-one: ${error.message}\n`);
  process.exit(2);
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, 'utf8')));

let valid;
let errors;
try {
  valid = validate(loadYaml(text));
  errors = (validate.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message }));
} catch (error) {
  valid = false;
  errors = [{ path: '', message: error.message }];
}
process.stdout.write(`${JSON.stringify({ valid, errors }, null, 2)}\n`);
process.exitCode = valid ? 0 : 1;
