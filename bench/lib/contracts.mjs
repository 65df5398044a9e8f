// Deterministic generator of realistic pacto.yaml contracts, some of them carrying
// exactly one violation.
//
//   generateContracts({ count, seed, invalidRate }) -> {
//     contracts: [{ id, text, files, violation: null | { kind, detail } }],
//     meanBytes, ...
//   }
//
// `text` is the pacto.yaml source; `files` holds a short placeholder for every file
// the contract references (interfaces[].contract, configuration.schema), so that the
// valid contracts are valid bundles (no FILE_NOT_FOUND). Placeholders are kept tiny
// on purpose: validation only checks that they exist, and js-yaml + ajv never see
// them, so both sides do equivalent work on pacto.yaml itself.
//
// Valid contracts are built to pass every layer of the Pacto validator (schema,
// cross-field rules); a violation is applied to the model before it is written,
// so the YAML text never contains anything but the intended defect.

import { Rng } from './prng.mjs';

export const VIOLATION_KINDS = [
  'bad-enum',
  'port-out-of-range',
  'missing-required',
  'bad-name-pattern',
  'stateless-persistent',
  'scaling-oneof',
  'wrong-type',
];

// ---- vocabulary ------------------------------------------------------------

const DOMAINS = [
  'order', 'payment', 'inventory', 'catalog', 'shipping', 'billing', 'invoice', 'user',
  'account', 'notification', 'search', 'pricing', 'cart', 'checkout', 'review',
  'recommendation', 'fraud', 'ledger', 'auth', 'profile', 'report', 'media', 'email',
  'session', 'loyalty', 'tax', 'fx-rates', 'warehouse', 'returns', 'subscription',
  'identity', 'audit', 'geo', 'routing', 'quote', 'settlement', 'payout', 'kyc',
];
const SUFFIXES = {
  api: ['service', 'api', 'gateway', 'frontend', 'bff'],
  stateful: ['store', 'ledger', 'db-proxy', 'registry', 'index'],
  worker: ['worker', 'processor', 'consumer', 'projector'],
  batch: ['reconciler', 'exporter', 'importer', 'sync', 'compactor', 'backfill'],
};
const TEAMS = ['orders', 'payments', 'catalog', 'platform', 'growth', 'billing', 'identity', 'logistics', 'search', 'risk', 'data'];
const TIERS = ['critical', 'frontline', 'standard', 'internal', 'best-effort'];
const REGISTRIES = ['ghcr.io/acme', 'registry.acme.example/platform', 'docker.io/acme', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/acme'];
const RANGES = ['^4.2.0', '~3.1', '>= 1.4.0, < 2.0.0', '^2.0.0 || ^3.0.0', '1.x', '>=2.0.0 <3.0.0', '~1.2.3', '1.0.0 - 2.0.0', '^1.0.0', '~2.6'];
const HEALTH_PATHS = ['/healthz', '/readyz', '/health', '/health/live', '/status'];
const TIMEZONES = ['UTC', 'Europe/Madrid', 'America/New_York', 'Asia/Tokyo'];
const CRONS = ['15 2 * * *', '0 */6 * * *', '30 1 * * 1-5', '0 0 1 * *', '*/15 * * * *'];
const COMMENT_LINES = [
  'Owned by the %TEAM% team; page %TEAM%-primary for incidents.',
  'Any replica can serve any request; nothing is kept between requests.',
  'Generated from the service template, then edited by hand.',
  'Keep this file in sync with the deployment manifests.',
  'The contract is published to the registry on every tagged release.',
  'See docs/ for the runbook and the architecture notes.',
  'Consumers must pin a digest, never a moving tag.',
  'Data written here is the source of truth for downstream reports.',
];

const SECTION_COMMENTS = {
  interfaces: ['Everything other services may call or subscribe to.', 'Ports are the container ports, not the service ports.'],
  dependencies: ['Pinned by digest where we can; tags are resolved at release time.', 'Upstream contracts this service needs at runtime.'],
  runtime: ['How the platform should run, upgrade and probe the service.', 'State and lifecycle, as agreed with the platform team.'],
  scaling: ['Sized for peak traffic plus one zone down.', 'Reviewed with the capacity plan every quarter.'],
  metadata: ['Free-form; read by the service catalog.', 'Not validated: anything goes below this line.'],
};

// ---- model -----------------------------------------------------------------

function semver(rng) {
  let v = `${rng.int(0, 9)}.${rng.int(0, 30)}.${rng.int(0, 20)}`;
  if (rng.chance(0.08)) v += `-rc.${rng.int(1, 5)}`;
  if (rng.chance(0.03)) v += `+build.${rng.int(1, 999)}`;
  return v;
}

function baseContract(rng) {
  const shape = rng.pickWeighted([['api', 45], ['stateful', 20], ['worker', 15], ['batch', 20]]);
  const domain = rng.pick(DOMAINS);
  const suffix = rng.pick(SUFFIXES[shape].filter((x) => x !== domain));
  const name = `${domain}-${suffix}`;
  const team = rng.pick(TEAMS);
  const version = semver(rng);

  const c = { pactoVersion: '1.0', service: { name, version } };
  if (rng.chance(0.9)) c.service.owner = `team/${team}`;
  if (rng.chance(0.9)) {
    const repo = `${rng.pick(REGISTRIES)}/${name}`;
    c.service.image = { ref: rng.chance(0.8) ? `${repo}:${version.replace(/\+.*/, '')}` : `${repo}@sha256:${rng.hex(64)}` };
    if (rng.chance(0.8)) c.service.image.private = rng.chance(0.6);
  }

  // interfaces (always at least one)
  const interfaces = [];
  const add = (iface) => interfaces.push(iface);
  const vis = (iface, p = 0.75) => {
    if (rng.chance(p)) iface.visibility = rng.pick(['public', 'internal']);
    return iface;
  };
  if (shape === 'api') {
    add(vis({ name: 'api', type: 'http', port: rng.pick([8080, 8000, 3000, 80, 8443]), contract: 'interfaces/openapi.yaml' }));
    if (rng.chance(0.45)) add(vis({ name: 'admin', type: 'http', port: rng.pick([9000, 8081]) }));
    if (rng.chance(0.3)) add(vis({ name: `${domain}-rpc`, type: 'grpc', port: 9090, contract: `interfaces/${domain}.proto` }));
    if (rng.chance(0.5)) add(vis({ name: `${domain}-events`, type: 'event', contract: 'interfaces/events.yaml' }));
  } else if (shape === 'stateful') {
    add(vis({ name: rng.pick([domain, 'rpc', 'store']), type: 'grpc', port: rng.pick([9090, 50051]), contract: `interfaces/${domain}.proto` }));
    if (rng.chance(0.6)) add(vis({ name: `${domain}-events`, type: 'event', contract: 'interfaces/events.yaml' }));
    if (rng.chance(0.3)) add(vis({ name: 'metrics', type: 'http', port: 9102 }));
  } else if (shape === 'worker') {
    add(vis({ name: `${domain}-commands`, type: 'event', contract: 'interfaces/commands.yaml' }));
    if (rng.chance(0.7)) add(vis({ name: `${domain}-events`, type: 'event', contract: 'interfaces/events.yaml' }));
    if (rng.chance(0.5)) add(vis({ name: 'probe', type: 'http', port: 8080 }));
  } else {
    add(vis({ name: `${rng.pick(['reconciliation', 'export', 'import', 'sync'])}-results`, type: 'event', contract: 'interfaces/events.yaml' }));
  }
  for (const iface of interfaces) {
    if (iface.type === 'http' && iface.contract === undefined && rng.chance(0.4)) iface.contract = `interfaces/${iface.name}.yaml`;
  }
  c.interfaces = interfaces;

  if (rng.chance(0.8)) c.configuration = { schema: 'configuration/schema.json' };

  const depCount = rng.pickWeighted([[0, 10], [1, 25], [2, 35], [3, 30]]);
  if (depCount > 0) {
    c.dependencies = rng.sample(DOMAINS.filter((d) => d !== domain), depCount).map((dep) => {
      const kind = rng.pickWeighted([['digest', 65], ['tag', 20], ['file', 15]]);
      let ref;
      if (kind === 'digest') ref = `oci://ghcr.io/acme/${dep}-pacto@sha256:${rng.hex(64)}`;
      else if (kind === 'tag') ref = `oci://ghcr.io/acme/${dep}-pacto:${rng.int(1, 5)}.${rng.int(0, 9)}.0`; // TAG_NOT_DIGEST warning
      else ref = rng.chance(0.5) ? `file://../${dep}-service` : `../${dep}-service`;
      const d = { ref };
      if (rng.chance(0.8)) d.required = rng.chance(0.7);
      d.compatibility = rng.pick(RANGES);
      return d;
    });
  }

  // runtime
  const workload = shape === 'batch' ? rng.pickWeighted([['scheduled', 70], ['job', 30]]) : 'service';
  const stateType = shape === 'stateful' ? 'stateful' : shape === 'api' ? rng.pickWeighted([['stateless', 80], ['hybrid', 20]]) : rng.pickWeighted([['stateless', 70], ['hybrid', 30]]);
  const durability = stateType === 'stateless' ? 'ephemeral' : stateType === 'stateful' ? 'persistent' : rng.pick(['ephemeral', 'persistent']);
  const runtime = {
    workload,
    state: {
      type: stateType,
      persistence: { scope: stateType === 'stateless' ? 'local' : rng.pick(['local', 'shared']), durability },
      dataCriticality: rng.pick(['low', 'medium', 'high']),
    },
  };
  if (rng.chance(0.85)) {
    const strategies = stateType === 'stateless' ? ['rolling', 'recreate'] : stateType === 'stateful' ? ['ordered', 'rolling'] : ['rolling', 'recreate', 'ordered'];
    runtime.lifecycle = {};
    if (rng.chance(0.9)) runtime.lifecycle.upgradeStrategy = rng.pick(strategies);
    if (rng.chance(0.8)) runtime.lifecycle.gracefulShutdownSeconds = rng.pick([10, 20, 30, 45, 60, 90, 300]);
  }
  const probe = interfaces.find((i) => i.type !== 'event');
  if (workload === 'service' && probe && rng.chance(0.8)) {
    runtime.health = { interface: probe.name };
    if (probe.type === 'http') runtime.health.path = rng.pick(HEALTH_PATHS);
    if (rng.chance(0.6)) runtime.health.initialDelaySeconds = rng.pick([0, 3, 5, 10, 20, 30]);
  }
  c.runtime = runtime;

  if (workload === 'service') {
    if (rng.chance(0.5)) c.scaling = { replicas: rng.int(1, 5) };
    else {
      const min = rng.int(1, 4);
      c.scaling = { min, max: min + rng.int(0, 20) };
    }
  } else if (workload === 'scheduled' && rng.chance(0.25)) {
    c.scaling = { replicas: 1 };
  }

  if (rng.chance(0.92)) {
    const m = { team };
    if (rng.chance(0.8)) m.tier = rng.pick(TIERS);
    const extras = [
      () => (m.oncall = `${team}-primary`),
      () => (m.repository = `https://github.com/acme/${name}`),
      () => (m.runbook = `https://runbooks.acme.example/${name}`),
      () => (m.slo = { availability: rng.pick(['99.9', '99.95', '99.99']), latencyP99Ms: rng.pick([100, 250, 500, 1000]) }),
      () => (m.tags = rng.sample([domain, team, shape, 'pci', 'gdpr', 'tier1', 'edge'], rng.int(1, 3))),
      () => (m['cost-center'] = `cc-${rng.int(1000, 9999)}`),
      () => (m.slack = `#${team}-${rng.pick(['alerts', 'oncall', 'dev'])}`),
      () => (m.dashboards = { grafana: `https://grafana.acme.example/d/${rng.hex(8)}/${name}`, logs: `https://logs.acme.example/app/${name}` }),
    ];
    if (workload === 'scheduled') {
      extras.push(() => (m.schedule = rng.pick(CRONS)));
      extras.push(() => (m.timezone = rng.pick(TIMEZONES)));
    }
    for (const f of rng.sample(extras, rng.int(3, 7))) f();
  }

  const header = rng.chance(0.85)
    ? [`${name}: ${rng.pick(['the', 'our', 'a'])} ${shape === 'batch' ? 'batch job' : shape} contract.`, ...rng.sample(COMMENT_LINES, rng.int(1, 4)).map((l) => l.replaceAll('%TEAM%', team))]
    : [];
  // A comment line above some top-level sections, as people write them.
  const sectionComments = {};
  for (const [key, text] of Object.entries(SECTION_COMMENTS)) if (rng.chance(0.5)) sectionComments[key] = rng.pick(text);
  return { contract: c, header, sectionComments };
}

// ---- violations ------------------------------------------------------------
// Each takes (contract, rng) and returns a short description of what it did.

const withLifecycle = (c) => (c.runtime.lifecycle ??= {});

const VIOLATIONS = {
  'bad-enum'(c, rng) {
    const options = [
      () => ((c.runtime.workload = 'daemon'), 'runtime.workload: daemon'),
      () => ((c.runtime.state.type = 'stateles'), 'runtime.state.type: stateles'),
      () => ((c.runtime.state.persistence.scope = 'global'), 'runtime.state.persistence.scope: global'),
      () => ((c.runtime.state.dataCriticality = 'critical'), 'runtime.state.dataCriticality: critical'),
      () => ((c.interfaces[0].type = 'rest'), 'interfaces[0].type: rest'),
      () => ((c.interfaces[0].visibility = 'private'), 'interfaces[0].visibility: private'),
      () => ((withLifecycle(c).upgradeStrategy = 'blue-green'), 'runtime.lifecycle.upgradeStrategy: blue-green'),
      () => ((c.pactoVersion = '2.0'), 'pactoVersion: "2.0"'),
    ];
    return rng.pick(options)();
  },
  'port-out-of-range'(c, rng) {
    const i = c.interfaces.findIndex((x) => x.type !== 'event');
    const port = rng.pick([0, 65536, 70000, 100000]);
    if (i >= 0) {
      c.interfaces[i].port = port;
      return `interfaces[${i}].port: ${port}`;
    }
    // Only event interfaces: a port is allowed on them (a warning), but not out of range.
    c.interfaces[0].port = port;
    return `interfaces[0].port: ${port} (event)`;
  },
  'missing-required'(c, rng) {
    const options = [
      () => (delete c.runtime.state.dataCriticality, 'runtime.state.dataCriticality'),
      () => (delete c.runtime.workload, 'runtime.workload'),
      () => (delete c.runtime.state.persistence.scope, 'runtime.state.persistence.scope'),
      () => (delete c.service.version, 'service.version'),
      () => (delete c.interfaces[0].name, 'interfaces[0].name'),
    ];
    if (c.dependencies) options.push(() => (delete c.dependencies[0].compatibility, 'dependencies[0].compatibility'));
    if (c.service.image) options.push(() => (delete c.service.image.ref, 'service.image.ref'));
    if (c.configuration) options.push(() => (delete c.configuration.schema, 'configuration.schema'));
    if (c.runtime.health) options.push(() => (delete c.runtime.health.interface, 'runtime.health.interface'));
    const http = c.interfaces.findIndex((x) => x.type === 'http');
    if (http >= 0) options.push(() => (delete c.interfaces[http].port, `interfaces[${http}].port (http)`));
    const rpc = c.interfaces.findIndex((x) => x.type === 'grpc');
    if (rpc >= 0) options.push(() => (delete c.interfaces[rpc].contract, `interfaces[${rpc}].contract (grpc)`));
    return `missing ${rng.pick(options)()}`;
  },
  'bad-name-pattern'(c, rng) {
    const name = c.service.name;
    const bad = rng.pick([name.replace(/-/g, '_'), `${name}-`, `-${name}`, name.toUpperCase(), name.replace('-', ' '), `${name}.v2`]);
    c.service.name = bad;
    return `service.name: ${JSON.stringify(bad)}`;
  },
  'stateless-persistent'(c) {
    c.runtime.state.type = 'stateless';
    c.runtime.state.persistence.durability = 'persistent';
    if (c.runtime.lifecycle?.upgradeStrategy === 'ordered') c.runtime.lifecycle.upgradeStrategy = 'rolling';
    return 'runtime.state: stateless + persistent';
  },
  'scaling-oneof'(c, rng) {
    if (c.runtime.workload === 'job') c.runtime.workload = 'scheduled'; // a job must not scale at all
    const n = rng.int(1, 4);
    const shapes = [
      [{ replicas: n, min: n }, 'replicas + min'],
      [{ replicas: n, max: n + 2 }, 'replicas + max'],
      [{ replicas: n, min: 1, max: n + 2 }, 'replicas + min + max'],
      [{ min: n }, 'min without max'],
      [{ max: n + 4 }, 'max without min'],
      [{}, 'empty'],
    ];
    const [scaling, what] = rng.pick(shapes);
    c.scaling = scaling;
    return `scaling: ${what}`;
  },
  'wrong-type'(c, rng) {
    const options = [
      () => {
        const i = c.interfaces.findIndex((x) => x.port !== undefined);
        if (i < 0) return null;
        c.interfaces[i].port = String(c.interfaces[i].port);
        return `interfaces[${i}].port: quoted string`;
      },
      () => ((withLifecycle(c).gracefulShutdownSeconds = '30s'), 'runtime.lifecycle.gracefulShutdownSeconds: "30s"'),
      () => ((c.service.version = rng.int(1, 9)), 'service.version: bare number'),
      () => ((c.scaling = c.runtime.workload === 'job' ? ((c.runtime.workload = 'scheduled'), { replicas: 2.5 }) : { replicas: 2.5 }), 'scaling.replicas: 2.5'),
      () => ((c.interfaces[0].name = rng.int(1, 99)), 'interfaces[0].name: number'),
      () => (c.service.image ? ((c.service.image.private = 'yes'), 'service.image.private: "yes"') : null),
      () => ((c.runtime.state.persistence = 'local'), 'runtime.state.persistence: string'),
      () => ((c.metadata = ['internal', 'beta']), 'metadata: sequence'),
    ];
    for (;;) {
      const done = rng.pick(options)();
      if (done) return done;
    }
  },
};

// ---- YAML writer -------------------------------------------------------------
// Block style like the hand-written examples; sequences of scalars in flow style.
// Strings are written plain when YAML 1.2 (js-yaml) and the Pacto parser both read
// them back as the same string, double-quoted otherwise.

const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~)$/i;
const NUMBER_LIKE = /^[-+]?(?:\.?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|\.inf|\.nan)$/i;
const TIMESTAMP_LIKE = /^\d{4}-\d\d?-\d\d?/;
const PLAIN_CHARS = /^[A-Za-z0-9_/][A-Za-z0-9_./:@+\- ]*$/;

function plainSafe(s) {
  return (
    s.length > 0 &&
    PLAIN_CHARS.test(s) &&
    !s.endsWith(' ') &&
    !s.endsWith(':') &&
    !s.includes(': ') &&
    !RESERVED.test(s) &&
    !NUMBER_LIKE.test(s) &&
    !TIMESTAMP_LIKE.test(s)
  );
}

function scalar(v) {
  if (v === null) return 'null';
  if (typeof v === 'string') return plainSafe(v) ? v : JSON.stringify(v);
  return String(v);
}

const isScalar = (v) => v === null || typeof v !== 'object';

function writeMap(obj, indent, out, { blankBetween = false, blankItems = false } = {}) {
  const pad = ' '.repeat(indent);
  Object.keys(obj).forEach((key, i) => {
    if (blankBetween && i > 0) out.push('');
    const v = obj[key];
    if (isScalar(v)) {
      out.push(`${pad}${key}: ${scalar(v)}`);
    } else if (Array.isArray(v)) {
      if (v.length === 0 || v.every(isScalar)) {
        out.push(`${pad}${key}: [${v.map(scalar).join(', ')}]`);
      } else {
        out.push(`${pad}${key}:`);
        v.forEach((item, j) => {
          if (blankItems && j > 0) out.push('');
          const lines = [];
          writeMap(item, indent + 4, lines);
          lines[0] = `${pad}  - ${lines[0].slice(indent + 4)}`;
          out.push(...lines);
        });
      }
    } else if (Object.keys(v).length === 0) {
      out.push(`${pad}${key}: {}`);
    } else {
      out.push(`${pad}${key}:`);
      writeMap(v, indent + 2, out, { blankBetween: key === 'runtime' });
    }
  });
}

function writeContract(c, header, sectionComments = {}) {
  const out = header.map((l) => `# ${l}`);
  for (const [key, value] of Object.entries(c)) {
    if (out.length > 0 && key !== 'pactoVersion') out.push('');
    if (sectionComments[key]) out.push(`# ${sectionComments[key]}`);
    const lines = [];
    writeMap({ [key]: value }, 0, lines, { blankItems: (key === 'interfaces' || key === 'dependencies') && value.length > 1 });
    out.push(...lines);
  }
  return `${out.join('\n')}\n`;
}

// ---- bundles -----------------------------------------------------------------

const PLACEHOLDERS = {
  '.yaml': 'openapi: 3.1.0\n',
  '.proto': 'syntax = "proto3";\n',
  '.json': '{"type": "object"}\n',
};

function referencedFiles(c) {
  const paths = [];
  if (Array.isArray(c.interfaces)) for (const i of c.interfaces) if (typeof i?.contract === 'string') paths.push(i.contract);
  if (typeof c.configuration?.schema === 'string') paths.push(c.configuration.schema);
  const files = {};
  for (const p of paths) files[p] = PLACEHOLDERS[p.slice(p.lastIndexOf('.'))] ?? '\n';
  return files;
}

/**
 * @param {{ count: number, seed: number, invalidRate: number }} opts
 */
export function generateContracts({ count, seed, invalidRate }) {
  const rng = new Rng(seed);
  // Exactly round(count * invalidRate) contracts get a violation; kinds are dealt
  // round-robin so each kind is equally represented, then the slots are shuffled.
  const invalidCount = Math.round(count * invalidRate);
  const slots = new Array(count).fill(null);
  for (let i = 0; i < invalidCount; i++) slots[i] = VIOLATION_KINDS[i % VIOLATION_KINDS.length];
  rng.shuffle(slots);

  const contracts = [];
  let bytes = 0;
  for (let id = 0; id < count; id++) {
    const { contract, header, sectionComments } = baseContract(rng);
    let violation = null;
    if (slots[id]) violation = { kind: slots[id], detail: VIOLATIONS[slots[id]](contract, rng) };
    const text = writeContract(contract, header, sectionComments);
    bytes += Buffer.byteLength(text);
    contracts.push({ id, text, files: referencedFiles(contract), violation });
  }
  const byKind = Object.fromEntries(VIOLATION_KINDS.map((k) => [k, 0]));
  for (const c of contracts) if (c.violation) byKind[c.violation.kind]++;
  return { contracts, meanBytes: bytes / count, invalidCount, byKind };
}
