// Node-only helpers (ES module): re-exports the CommonJS implementation.
import helpers from './node.js';

export const { loadBundle, locateBundle, BundleError, MAX_FILE_BYTES, MAX_BUNDLE_BYTES } = helpers;
