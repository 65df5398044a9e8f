// Deterministic generator of pairs of OpenAPI 3 documents for the diff benchmark.
//
//   generateOpenApiPair({ paths, seed, ... }) -> {
//     oldText, newText,            // the two documents as YAML text
//     oldDoc, newDoc,              // the same documents as plain objects
//     expected: { pathsRemoved, pathsAdded, parametersModified, responsesModified,
//                 propertiesRemoved, changes: [{ path, type, kind }] },
//     stats: { paths, operations, queryParameters, responses, responseProperties, oldBytes, newBytes },
//   }
//
// Every path item has a GET (path, query and header parameters; "200" and "404"
// responses with inline object schemas) and a POST (path and header parameters, a
// JSON request body and a "201" response with an inline object schema). The new
// document is the old one with, by default, 1% of the paths removed, 1% added
// (inserted at random places), 2% of the query parameters made `required: true`
// and 2% of the response properties removed (from `properties` and `required`).
// Modifications only touch paths present in both documents, so every one of them
// shows up as exactly one change in pacto's OpenAPI diff (see
// /work/shared/spec/diff.md §5): `expected.changes` lists them, with the change
// paths pacto reports (several properties removed from one response are a single
// "response modified" change).
//
// toYaml() is a small block-style emitter for plain JSON-like values: mappings,
// sequences, strings, finite numbers, booleans and null. Strings that YAML would
// read as something else (numbers, booleans, null, "200", indicators, ": ", " #"…)
// are written double-quoted (JSON string syntax is valid YAML). Response codes
// are therefore quoted keys, as the reference diff requires (string keys).
// Mapping values of several lines are literal block scalars (`|`, `|-`).

import { Rng } from './prng.mjs';

// ---- vocabulary ------------------------------------------------------------

const NOUNS = [
  'order', 'payment', 'invoice', 'customer', 'product', 'shipment', 'refund', 'cart',
  'account', 'subscription', 'review', 'coupon', 'warehouse', 'supplier', 'ticket',
  'report', 'session', 'device', 'document', 'quote', 'ledger', 'transfer', 'payout',
];
const SUBRESOURCES = ['items', 'events', 'notes', 'attachments', 'history', 'lines', 'members', 'tags'];
const QUERY_PARAMS = [
  ['limit', { type: 'integer', format: 'int32', minimum: 1, maximum: 500, default: 50 }, 'Maximum number of entries to return.'],
  ['offset', { type: 'integer', format: 'int32', minimum: 0, default: 0 }, 'Number of entries to skip.'],
  ['sort', { type: 'string', enum: ['asc', 'desc'], default: 'asc' }, 'Sort direction.'],
  ['fields', { type: 'string' }, 'Comma-separated list of fields to include.'],
  ['expand', { type: 'array', items: { type: 'string' } }, 'Related resources to embed.'],
  ['since', { type: 'string', format: 'date-time' }, 'Only entries changed after this instant.'],
  ['until', { type: 'string', format: 'date-time' }, 'Only entries changed before this instant.'],
  ['status', { type: 'string', enum: ['active', 'pending', 'closed'] }, 'Filter by status.'],
  ['q', { type: 'string', minLength: 1, maxLength: 200 }, 'Free-text search.'],
  ['pageToken', { type: 'string' }, 'Opaque cursor from a previous page.'],
  ['locale', { type: 'string', pattern: '^[a-z]{2}(-[A-Z]{2})?$' }, 'Locale of the returned texts.'],
  ['includeDeleted', { type: 'boolean', default: false }, 'Include soft-deleted entries.'],
];
const HEADER_PARAMS = [
  ['X-Request-Id', { type: 'string', format: 'uuid' }, 'Correlation id, echoed in the response.'],
  ['X-Tenant-Id', { type: 'string' }, 'Tenant the request acts for.'],
  ['If-None-Match', { type: 'string' }, 'Entity tag of the cached representation.'],
  ['Accept-Language', { type: 'string' }, 'Preferred languages (RFC 9110).'],
];
const PROPERTIES = [
  ['name', { type: 'string', maxLength: 120 }],
  ['description', { type: 'string' }],
  ['status', { type: 'string', enum: ['active', 'pending', 'closed'] }],
  ['createdAt', { type: 'string', format: 'date-time' }],
  ['updatedAt', { type: 'string', format: 'date-time' }],
  ['amount', { type: 'number', format: 'double', minimum: 0 }],
  ['currency', { type: 'string', pattern: '^[A-Z]{3}$' }],
  ['quantity', { type: 'integer', format: 'int32', minimum: 0 }],
  ['email', { type: 'string', format: 'email' }],
  ['active', { type: 'boolean' }],
  ['tags', { type: 'array', items: { type: 'string' }, maxItems: 20 }],
  ['ownerId', { type: 'string', format: 'uuid' }],
  ['version', { type: 'integer', format: 'int64' }],
  ['url', { type: 'string', format: 'uri' }],
  ['note', { type: 'string', nullable: true }],
  ['address', { type: 'object', properties: { line1: { type: 'string' }, city: { type: 'string' }, country: { type: 'string', pattern: '^[A-Z]{2}$' } }, required: ['line1', 'country'] }],
  ['metadata', { type: 'object', additionalProperties: { type: 'string' } }],
  ['priority', { type: 'integer', minimum: 1, maximum: 5 }],
];
const SUMMARIES = ['Get', 'Fetch', 'Read', 'Look up'];

const clone = (v) => JSON.parse(JSON.stringify(v));
const idName = (noun) => `${noun.replace(/-([a-z])/g, (_, c) => c.toUpperCase())}Id`;
const pascal = (s) => s.charAt(0).toUpperCase() + s.slice(1);

// ---- model -----------------------------------------------------------------

function objectSchema(rng, min, max, first = []) {
  const names = [...first, ...rng.sample(PROPERTIES.filter(([n]) => !first.includes(n)).map(([n]) => n), rng.int(min, max) - first.length)];
  const properties = {};
  for (const n of names) {
    if (first.includes(n) && n === 'id') properties.id = { type: 'string', format: 'uuid', readOnly: true };
    else if (n === 'code') properties.code = { type: 'string', example: 'NOT_FOUND' };
    else if (n === 'message') properties.message = { type: 'string' };
    else properties[n] = clone(PROPERTIES.find(([p]) => p === n)[1]);
    if (rng.chance(0.3) && properties[n].type !== 'object') properties[n].description = `The ${n.replace(/([A-Z])/g, ' $1').toLowerCase()}.`;
  }
  const required = names.filter((n, i) => i < first.length || rng.chance(0.3));
  const schema = { type: 'object' };
  if (required.length) schema.required = required;
  schema.properties = properties;
  return schema;
}

function errorSchema(rng) {
  const s = objectSchema(rng, 2, 2, ['code', 'message']);
  if (rng.chance(0.5)) s.properties.traceId = { type: 'string' };
  return s;
}

const jsonContent = (schema) => ({ 'application/json': { schema } });

function pathItem(rng, i) {
  const noun = rng.pick(NOUNS);
  const id = idName(noun);
  const nested = rng.chance(0.35);
  const sub = nested ? rng.pick(SUBRESOURCES) : null;
  const key = `/v${rng.int(1, 3)}/${noun}s-${i}/{${id}}${nested ? `/${sub}/{${sub.replace(/s$/, '')}Id}` : ''}`;
  const opBase = `${noun}${pascal(sub ?? '')}${i}`;

  const pathParams = [{ name: id, in: 'path', required: true, description: `Identifier of the ${noun}.`, schema: { type: 'string', format: 'uuid' } }];
  if (nested) pathParams.push({ name: `${sub.replace(/s$/, '')}Id`, in: 'path', required: true, schema: { type: 'string' } });
  const query = rng.sample(QUERY_PARAMS, rng.int(2, 4)).map(([name, schema, description]) => {
    const p = { name, in: 'query', description, schema: clone(schema) };
    if (rng.chance(0.4)) p.required = false; // explicit `required: false` half of the time, omitted otherwise
    return p;
  });
  const headers = rng.sample(HEADER_PARAMS, rng.int(1, 2)).map(([name, schema, description]) => ({ name, in: 'header', required: false, description, schema: clone(schema) }));

  const get = {
    operationId: `get${pascal(opBase)}`,
    summary: `${rng.pick(SUMMARIES)} one ${noun}${sub ? ` ${sub}` : ''}`,
    tags: [`${noun}s`],
    parameters: [...pathParams, ...query, ...headers],
    responses: {
      200: { description: 'OK', content: jsonContent(objectSchema(rng, 4, 8, ['id'])) },
      404: { description: `No such ${noun}.`, content: jsonContent(errorSchema(rng)) },
    },
  };
  const post = {
    operationId: `create${pascal(opBase)}`,
    summary: `Create or replace a ${noun}${sub ? ` ${sub}` : ''}`,
    tags: [`${noun}s`],
    parameters: [...pathParams.map(clone), { name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', maxLength: 64 } }],
    requestBody: { required: true, content: jsonContent(objectSchema(rng, 3, 6)) },
    responses: {
      201: { description: 'Created', content: jsonContent(objectSchema(rng, 2, 4, ['id'])) },
    },
  };
  return [key, { get, post }];
}

function document(title, paths) {
  return {
    openapi: '3.0.3',
    info: {
      title,
      version: '1.0.0',
      // Several lines, as API descriptions usually are: a literal block scalar in the YAML.
      description: 'Generated by bench/lib/openapi-gen.mjs.\n\nEvery path has a GET and a POST with inline schemas.\n',
    },
    servers: [{ url: 'https://api.example.com' }],
    paths,
  };
}

/**
 * @param {{ paths: number, seed: number, removeRate?: number, addRate?: number,
 *           requireRate?: number, dropPropertyRate?: number }} opts
 */
export function generateOpenApiPair({ paths: n, seed, removeRate = 0.01, addRate = 0.01, requireRate = 0.02, dropPropertyRate = 0.02 }) {
  const rng = new Rng(seed);
  const oldEntries = [];
  for (let i = 0; i < n; i++) oldEntries.push(pathItem(rng, i));
  const oldDoc = document('Generated API', Object.fromEntries(oldEntries));

  // Which paths go, which come.
  const removeCount = Math.round(n * removeRate);
  const addCount = Math.round(n * addRate);
  const removed = new Set(rng.sample(oldEntries.map(([k]) => k), removeCount));
  const added = [];
  for (let i = 0; i < addCount; i++) added.push(pathItem(rng, n + i));

  // The new document starts as a copy of the old paths that stay.
  const kept = oldEntries.filter(([k]) => !removed.has(k)).map(([k, v]) => [k, clone(v)]);

  // Query parameters made required (only those not already required: none are).
  const queryRefs = [];
  for (const [k, item] of kept) for (const p of item.get.parameters) if (p.in === 'query') queryRefs.push([k, p]);
  const allQuery = oldEntries.reduce((a, [, item]) => a + item.get.parameters.filter((p) => p.in === 'query').length, 0);
  const parametersModified = [];
  for (const [k, p] of rng.sample(queryRefs, Math.round(allQuery * requireRate))) {
    p.required = true;
    parametersModified.push({ path: k, method: 'GET', name: p.name, in: 'query' });
  }

  // Response properties removed (top-level properties of the response schemas).
  const propRefs = [];
  let allProps = 0;
  for (const [, item] of oldEntries) for (const op of [item.get, item.post]) for (const r of Object.values(op.responses)) allProps += Object.keys(r.content['application/json'].schema.properties).length;
  for (const [k, item] of kept) {
    for (const [method, op] of [['GET', item.get], ['POST', item.post]]) {
      for (const [code, r] of Object.entries(op.responses)) {
        for (const prop of Object.keys(r.content['application/json'].schema.properties)) propRefs.push({ path: k, method, code, prop });
      }
    }
  }
  const keptItems = new Map(kept);
  const responsesModified = new Map();
  const propertiesRemoved = rng.sample(propRefs, Math.round(allProps * dropPropertyRate));
  for (const ref of propertiesRemoved) {
    const schema = keptItems.get(ref.path)[ref.method.toLowerCase()].responses[ref.code].content['application/json'].schema;
    delete schema.properties[ref.prop];
    if (schema.required) {
      schema.required = schema.required.filter((x) => x !== ref.prop);
      if (!schema.required.length) delete schema.required;
    }
    responsesModified.set(`${ref.path} ${ref.method} ${ref.code}`, { path: ref.path, method: ref.method, code: ref.code });
  }

  // Added paths go to random places among the kept ones.
  const newEntries = kept.slice();
  for (const entry of added) newEntries.splice(rng.int(0, newEntries.length), 0, entry);
  const newDoc = document('Generated API', Object.fromEntries(newEntries));

  const changes = [
    ...[...removed].map((p) => ({ path: `openapi.paths[${p}]`, type: 'removed', kind: 'pathsRemoved' })),
    ...added.map(([p]) => ({ path: `openapi.paths[${p}]`, type: 'added', kind: 'pathsAdded' })),
    ...parametersModified.map((x) => ({ path: `openapi.paths[${x.path}].methods[${x.method}].parameters[${x.name}:${x.in}]`, type: 'modified', kind: 'parametersModified' })),
    ...[...responsesModified.values()].map((x) => ({ path: `openapi.paths[${x.path}].methods[${x.method}].responses[${x.code}]`, type: 'modified', kind: 'responsesModified' })),
  ];

  const oldText = toYaml(oldDoc);
  const newText = toYaml(newDoc);
  return {
    oldText,
    newText,
    oldDoc,
    newDoc,
    expected: {
      pathsRemoved: removed.size,
      pathsAdded: added.length,
      parametersModified: parametersModified.length,
      responsesModified: responsesModified.size,
      propertiesRemoved: propertiesRemoved.length,
      changes,
    },
    stats: {
      paths: n,
      operations: 2 * n,
      queryParameters: allQuery,
      responses: 3 * n,
      responseProperties: allProps,
      oldBytes: Buffer.byteLength(oldText),
      newBytes: Buffer.byteLength(newText),
    },
  };
}

// ---- YAML ------------------------------------------------------------------

const PLAIN_OK = /^[A-Za-z_/][A-Za-z0-9_ ./{}()\-,;'?!+=<>@$%^&*~|]*$/;
const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;

/** The scalar or key as YAML: plain when that reads back as the same string, else double-quoted. */
function str(s) {
  if (PLAIN_OK.test(s) && !RESERVED.test(s) && !/: | #|:$| $/.test(s)) return s;
  return JSON.stringify(s);
}

function scalar(v) {
  if (v === null) return 'null';
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`toYaml: ${v} has no YAML form here`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  throw new Error(`toYaml: unsupported value ${typeof v}`);
}

const isCollection = (v) => v !== null && typeof v === 'object';

/** Whether a string can be a literal block scalar as written: several lines, none starting or ending with a blank. */
const blockable = (v) => typeof v === 'string' && v.includes('\n') && !/^[ \t]|[ \t]$|[ \t]\n|\n[ \t]|\n\n$|\r/.test(v) && !/[^\x20-\x7e\n]/.test(v);

function emitMapping(obj, indent, out) {
  const pad = ' '.repeat(indent);
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    const k = str(key);
    if (blockable(v)) {
      const body = v.endsWith('\n') ? v.slice(0, -1) : v;
      out.push(`${pad}${k}: |${v.endsWith('\n') ? '' : '-'}`);
      for (const line of body.split('\n')) out.push(line ? `${pad}  ${line}` : '');
    } else if (!isCollection(v)) out.push(`${pad}${k}: ${scalar(v)}`);
    else if (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0) out.push(`${pad}${k}: ${Array.isArray(v) ? '[]' : '{}'}`);
    else {
      out.push(`${pad}${k}:`);
      if (Array.isArray(v)) emitSequence(v, indent + 2, out);
      else emitMapping(v, indent + 2, out);
    }
  }
}

function emitSequence(list, indent, out) {
  const pad = ' '.repeat(indent);
  for (const v of list) {
    if (!isCollection(v)) out.push(`${pad}- ${scalar(v)}`);
    else if (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0) out.push(`${pad}- ${Array.isArray(v) ? '[]' : '{}'}`);
    else if (Array.isArray(v)) {
      out.push(`${pad}-`);
      emitSequence(v, indent + 2, out);
    } else {
      // "- first: …" then the other keys aligned under it.
      const start = out.length;
      emitMapping(v, indent + 2, out);
      out[start] = `${pad}- ${out[start].slice(indent + 2)}`;
    }
  }
}

/** A JSON-like value as a block-style YAML document (ends with a newline). */
export function toYaml(value) {
  const out = [];
  if (!isCollection(value)) return `${scalar(value)}\n`;
  if (Array.isArray(value)) emitSequence(value, 0, out);
  else emitMapping(value, 0, out);
  return `${out.join('\n')}\n`;
}
