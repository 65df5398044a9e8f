// Lists the registries of /api/config on the placeholder page (text only, no HTML from the server).
const status = document.getElementById('registries-status');
const list = document.getElementById('registries');

try {
  const response = await fetch('/api/config', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const config = await response.json();
  for (const registry of config.registries) {
    const item = document.createElement('li');
    const parts = [`${registry.host} (${registry.scheme})`];
    if (registry.local) parts.push('local registry');
    if (registry.host === config.defaultRegistry) parts.push('default');
    item.textContent = parts.join(', ');
    list.append(item);
  }
  status.textContent = config.registries.length === 0
    ? 'No registry: start pacto serve with --registry, or install docker-registry for a local one.'
    : `pacto serve ${config.version} proxies ${config.registries.length} registr${config.registries.length === 1 ? 'y' : 'ies'}:`;
} catch (error) {
  status.textContent = `Could not read /api/config: ${error.message}`;
}
