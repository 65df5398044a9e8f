// Types of `pacto-wasm/node` for `import`: node.mjs re-exports node.js.
export * from "./node.js";
