// Types of `pacto-wasm` for `import` (Node ESM, TypeScript's node16/nodenext
// and bundler resolution, and the browser build): the same named exports as
// the CommonJS entry, which index.mjs and browser.mjs re-export at run time.
// No default export, because none exists at run time. See index.d.ts.
export * from "./index.js";
