// Compiled by types.test.mjs, never run: the same API from CommonJS (require).
import pacto = require("pacto-wasm");
import node = require("pacto-wasm/node");

const result: pacto.ValidationResult = pacto.validate({ "pacto.yaml": "" });
const text: string = pacto.explain({ "pacto.yaml": "" }, "markdown");
const files: Record<string, string> = pacto.init("billing");
const version: string = pacto.VERSION;
const bundle: pacto.Bundle = node.loadBundle(".");
const code: node.BundleErrorCode = new node.BundleError("TOO_LARGE", "too large", "big.bin").code;

// @ts-expect-error explain needs a format
pacto.explain({ "pacto.yaml": "" });

export { result, text, files, version, bundle, code };
