// The .d.ts files: a strict TypeScript compile of consumer code (ESM and
// CJS, resolved through the package's `exports` like a real install), and a
// check that the hand-written declarations agree with the ones wasm-bindgen
// generates from the Rust types.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { NPM_DIR, tempDir } from './helpers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TSC = path.join(NPM_DIR, 'node_modules', 'typescript', 'bin', 'tsc');

function stripComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

function project() {
  const dir = tempDir('types');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(NPM_DIR, path.join(dir, 'node_modules', 'pacto-wasm'), 'dir');
  for (const name of ['consumer.mts', 'consumer.cts', 'widget-consumer.mts']) {
    fs.copyFileSync(path.join(HERE, 'types', name), path.join(dir, name));
  }
  const dist = path.relative(dir, path.join(NPM_DIR, 'dist')).split(path.sep).join('/');
  fs.writeFileSync(
    path.join(dir, 'agreement.mts'),
    `// The package's declarations and wasm-bindgen's must describe the same functions.
import type * as pkg from "pacto-wasm";
import type * as webEntry from "pacto-wasm/web";
import type * as rawNode from "${dist}/node/pacto_wasm.js";
import type * as rawWeb from "${dist}/web/pacto_wasm.js";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export const agreement: [
  Same<typeof pkg.validate, typeof rawNode.validate>,
  Same<typeof pkg.explain, typeof rawNode.explain>,
  Same<typeof pkg.init, typeof rawNode.init>,
  Same<typeof pkg.version, typeof rawNode.version>,
  Same<typeof pkg.validate, typeof rawWeb.validate>,
  Same<typeof pkg.explain, typeof rawWeb.explain>,
  Same<typeof pkg.init, typeof rawWeb.init>,
  Same<typeof pkg.version, typeof rawWeb.version>,
  Same<pkg.Bundle, Parameters<typeof rawNode.validate>[0]>,
  Same<pkg.ValidationResult, ReturnType<typeof rawNode.validate>>,
  Same<typeof pkg.push, typeof rawNode.push>,
  Same<typeof pkg.pull, typeof rawNode.pull>,
  Same<typeof pkg.resolve, typeof rawNode.resolve>,
  Same<typeof pkg.listTags, typeof rawNode.listTags>,
  Same<typeof pkg.pack, typeof rawNode.pack>,
  Same<typeof pkg.unpack, typeof rawNode.unpack>,
  Same<typeof pkg.pull, typeof rawWeb.pull>,
  Same<typeof pkg.push, typeof rawWeb.push>,
  Same<typeof webEntry.validate, typeof pkg.validate>,
  Same<typeof webEntry.diffWithDependencies, typeof pkg.diffWithDependencies>,
  Same<typeof webEntry.graph, typeof pkg.graph>,
  Same<typeof webEntry.init, typeof pkg.init>,
  Same<webEntry.Bundle, pkg.Bundle>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];
`,
  );
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'node16',
          moduleResolution: 'node16',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          types: [],
          skipLibCheck: false,
          noUnusedLocals: false,
        },
        files: ['consumer.mts', 'consumer.cts', 'widget-consumer.mts', 'agreement.mts'],
      },
      null,
      2,
    ),
  );
  return dir;
}

test('the declarations compile strictly for ESM and CJS consumers and match wasm-bindgen', () => {
  assert.ok(fs.existsSync(TSC), 'typescript is missing from npm/node_modules: run `make setup`');
  const dir = project();
  const run = spawnSync(process.execPath, [TSC, '-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(run.status, 0, `tsc failed:\n${run.stdout}${run.stderr}`);
});

test('no `any` in the package declarations', () => {
  const files = ['index.d.ts', 'index.d.mts', 'node.d.ts', 'node.d.mts', 'web.d.mts', 'widget/index.d.mts', 'dist/node/pacto_wasm.d.ts'];
  for (const file of files) {
    const source = stripComments(fs.readFileSync(path.join(NPM_DIR, file), 'utf8'));
    assert.doesNotMatch(source, /\bany\b/, file);
  }
  // The web glue's declarations, minus wasm-bindgen's own low-level InitOutput table.
  const web = stripComments(fs.readFileSync(path.join(NPM_DIR, 'dist/web/pacto_wasm.d.ts'), 'utf8'));
  const publicPart = web.replace(/export interface InitOutput \{[\s\S]*?\n\}/, '');
  assert.doesNotMatch(publicPart, /\bany\b/, 'dist/web/pacto_wasm.d.ts');
});
