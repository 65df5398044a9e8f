// Compiled by types.test.mjs, never run: uses the API as an ES module consumer would.
import {
  validate,
  explain,
  init,
  version,
  VERSION,
  pack,
  unpack,
  pull,
  push,
  resolve,
  listTags,
  graph,
  doc,
  type BlobCache,
  type BundleSource,
  type GraphEdge,
  type GraphJson,
  type GraphNode,
  type GraphResult,
  type GraphWarning,
  type GraphConflict,
  type ProgressEvent,
  type PullResult,
  type PushResult,
  type RegistryError,
  type RegistryErrorCode,
  type RegistryOptions,
  type Bundle,
  type Diagnostic,
  type DiagnosticCode,
  type ExplainFormat,
  type ExplainParseError,
  type Position,
  type Range,
  type ScaffoldFiles,
  type Severity,
  type ValidationResult,
} from "pacto-wasm";
import {
  loadBundle,
  locateBundle,
  BundleError,
  MAX_BUNDLE_BYTES,
  MAX_FILE_BYTES,
  type BundleErrorCode,
  type BundleLocation,
} from "pacto-wasm/node";

const bundle: Bundle = { "pacto.yaml": "pactoVersion: \"1.0\"\n", "docs/": "", "logo.png": new Uint8Array([137, 80]) };
const result: ValidationResult = validate(bundle);
const valid: boolean = result.valid;
const first: Diagnostic | undefined = result.errors[0] ?? result.warnings[0];
const code: DiagnosticCode | undefined = first?.code;
const codeText: string | undefined = code;
const severity: Severity | undefined = first?.severity;
const range: Range | undefined = first?.range;
const start: Position | undefined = range?.start;
const line: number | undefined = start?.line;
const column: number | undefined = range?.end.column;

const formats: ExplainFormat[] = ["text", "markdown", "json"];
const texts: string[] = formats.map((format) => explain(bundle, format));
try {
  explain(bundle, "json");
} catch (error) {
  const parseError = error as ExplainParseError;
  const diagnostics: Diagnostic[] = parseError.diagnostics;
  const message: string = parseError.message;
  void diagnostics, message;
}

const files: ScaffoldFiles = init("billing");
const pacto: string | undefined = files["pacto.yaml"];
const versions: string[] = [version(), VERSION];

// @ts-expect-error github is a CLI format, not an explain format
explain(bundle, "github");
// @ts-expect-error bundle values are strings or bytes
validate({ "pacto.yaml": 42 });
// @ts-expect-error codes are a closed set
const wrongCode: DiagnosticCode = "NOT_A_CODE";
// @ts-expect-error severities are lowercase words
const wrongSeverity: Severity = "ERROR";
// @ts-expect-error a Diagnostic has no `line` of its own: positions are in `range`
const noLine: number = first!.line;

const location: BundleLocation = locateBundle("my-service/pacto.yaml");
const loaded: Bundle = loadBundle(location.root);
const limits: number = MAX_FILE_BYTES + MAX_BUNDLE_BYTES;
try {
  loadBundle("missing");
} catch (error) {
  if (error instanceof BundleError) {
    const errorCode: BundleErrorCode = error.code;
    const where: string = error.path;
    const same: "NO_CONTRACT" = BundleError.codes.NO_CONTRACT;
    void errorCode, where, same;
  }
}

export {
  valid, code, codeText, pacto, wrongCode, severity, line, column, texts, files, versions, wrongSeverity, noLine, loaded, limits,
};

// The registry API: options, results and errors are typed.
const cache: BlobCache = { get: (_digest: string) => undefined, put: (_digest: string, _bytes: Uint8Array) => {} };
const registryOptions: RegistryOptions = {
  plainHttp: true,
  credentials: { username: "me", password: "secret" },
  onProgress: (event: ProgressEvent) => void event.phase,
};
async function registry(): Promise<void> {
  const pushed: PushResult = await push("oci://localhost:5000/acme/svc", bundle, { ...registryOptions, force: true });
  const pulled: PullResult = await pull("oci://localhost:5000/acme/svc:1.0.0", { credentials: { token: "t" }, cache });
  const bytes: Uint8Array | undefined = pulled.bundle["pacto.yaml"];
  const resolved: string = await resolve("oci://localhost:5000/acme/svc", "^1.0.0");
  const tags: string[] = await listTags("oci://localhost:5000/acme/svc", { proxy: "http://127.0.0.1:8080/" });
  const archive: Uint8Array = pack(bundle);
  const back: Bundle = unpack(archive);
  try {
    await pull("oci://ghcr.io/acme/svc");
  } catch (error) {
    const code: RegistryErrorCode = (error as RegistryError).code;
    void code;
  }
  void pushed.existed, bytes, resolved, tags, back;
}
void registry;

// graph and doc: a typed source, a typed result tree.
const memory = new Map<string, Bundle>();
const source: BundleSource = {
  root: "services/app",
  local: (path: string) => memory.get(path) ?? Promise.reject(new Error(`${path}: not found`)),
  oci: async (ref: string, constraint: string) => ({ "pacto.yaml": `# ${ref} ${constraint}\n` }),
  registry: { plainHttp: true, cache, proxy: "/" },
};
async function graphs(): Promise<void> {
  const result: GraphResult = await graph(bundle, source);
  const json: GraphJson = result;
  const root: GraphNode = json.root;
  const edge: GraphEdge | undefined = root.dependencies[0];
  const child: GraphNode | undefined = edge?.node;
  const error: string | undefined = edge?.error;
  const shared: boolean | undefined = edge?.shared;
  const cycles: string[][] = result.cycles;
  const conflict: GraphConflict | undefined = result.conflicts[0];
  const warning: GraphWarning | undefined = result.warnings[0];
  const texts: string[] = [result.tree, result.dot, result.mermaid];
  const markdown: string = await doc(bundle);
  const again: GraphResult = await graph(bundle);
  // @ts-expect-error a local loader takes a path
  const wrong: BundleSource = { local: (path: number) => ({}) };
  // @ts-expect-error the root ref is a string
  await graph(bundle, { root: 1 });
  void child, error, shared, cycles, conflict, warning, texts, markdown, again, wrong;
}
void graphs;
