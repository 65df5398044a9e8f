// Types of `pacto-wasm/node`: Node-only helpers that read bundles from disk.

import type { Bundle } from "./index";

export type { Bundle };

export type BundleErrorCode =
  /** The path does not exist. */
  | "ENOENT_BUNDLE"
  /** The path exists but is neither a directory nor a regular file. */
  | "NOT_A_BUNDLE"
  /** The directory has no `pacto.yaml` (or it is not a regular file). */
  | "NO_CONTRACT"
  /** A file is over 10 MiB, or the bundle over 50 MiB in total. */
  | "TOO_LARGE"
  /** A file or directory cannot be read (permissions, I/O error). */
  | "UNREADABLE";

export declare class BundleError extends Error {
  constructor(code: BundleErrorCode, message: string, path: string, cause?: unknown);
  readonly name: "BundleError";
  /** What went wrong, for programs; `message` is for people. */
  code: BundleErrorCode;
  /** The path the problem is about. */
  path: string;
  static readonly codes: { readonly [C in BundleErrorCode]: C };
}

export interface BundleLocation {
  /** The bundle root directory. */
  root: string;
  /** The contract file: `<root>/pacto.yaml`, or the file that was named. */
  contractPath: string;
}

/** Largest file a bundle may hold: 10 MiB. */
export declare const MAX_FILE_BYTES: number;
/** Largest total size of a bundle's files: 50 MiB. */
export declare const MAX_BUNDLE_BYTES: number;

/**
 * Finds the bundle behind `path` without reading it.
 * @throws {BundleError} `ENOENT_BUNDLE`, `NOT_A_BUNDLE`, `NO_CONTRACT` or `UNREADABLE`.
 */
export declare function locateBundle(path: string): BundleLocation;

/**
 * Reads a bundle from disk. `path` is a bundle directory, or a contract file
 * (`my-service/pacto.yaml`): then the bundle root is its directory and that
 * file's content is the bundle's `pacto.yaml`.
 *
 * Files become `Uint8Array`s; every directory gets a `"dir/"` key, so empty
 * directories count. Symlinks are followed (a link back up the tree is listed
 * but not walked again; dangling links are left out). `.git` and
 * `node_modules` are skipped.
 * @throws {BundleError}
 */
export declare function loadBundle(path: string): Bundle;
