// Run as a child process by coldstart.mjs: times the in-process phases of a cold
// start and prints them as JSON on stdout.
//
//   node bench/lib/startup-probe.mjs pacto <pacto.yaml> <npm dir>
//   node bench/lib/startup-probe.mjs ajv   <pacto.yaml> <schema.json> <bench dir>
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const [side, file, a, b] = process.argv.slice(2);
const text = fs.readFileSync(file, 'utf8');
const out = { processStartToMainMs: performance.now() };
let t = performance.now();
const lap = (name) => {
  const n = performance.now();
  out[name] = n - t;
  t = n;
};

if (side === 'pacto') {
  const req = createRequire(path.join(a, 'package.json'));
  const api = req(a); // loads the glue, compiles and instantiates the wasm
  lap('loadMs');
  const first = api.validate({ 'pacto.yaml': text, ...placeholders(text) });
  lap('firstValidateMs');
  api.validate({ 'pacto.yaml': text, ...placeholders(text) });
  lap('secondValidateMs');
  out.valid = first.valid;
} else {
  const req = createRequire(path.join(b, 'package.json'));
  const yaml = req('js-yaml');
  const Ajv2020 = req('ajv/dist/2020').default;
  lap('loadMs');
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(fs.readFileSync(a, 'utf8')));
  lap('compileMs');
  out.valid = validate(yaml.load(text));
  lap('firstValidateMs');
  validate(yaml.load(text));
  lap('secondValidateMs');
}
process.stdout.write(JSON.stringify(out));

// The files pacto.yaml references, so the bundle is as valid as the directory.
function placeholders(src) {
  const files = {};
  for (const m of src.matchAll(/^\s*(?:contract|schema):\s*(\S+)\s*$/gm)) files[m[1]] = '\n';
  return files;
}
