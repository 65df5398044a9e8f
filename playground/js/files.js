// Browser file chores for the playground: reading what was picked or dropped (files, folders),
// saving bytes as a download, copying text. Every reader answers [{ path, bytes }] with paths
// relative to what was chosen ("my-service/pacto.yaml" for a folder named my-service).

const MAX_FILES = 2000;

/** Files from an <input type=file> (with or without webkitdirectory). */
export async function readFileList(files) {
  const out = [];
  for (const file of Array.from(files).slice(0, MAX_FILES)) {
    out.push({ path: file.webkitRelativePath || file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
  }
  return out;
}

/** Files and folders dropped on the page. Call it inside the drop event: the entries vanish after it. */
export function readDataTransfer(dataTransfer) {
  const entries = [];
  for (const item of Array.from(dataTransfer.items || [])) {
    const entry = item.kind === 'file' && item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
  }
  if (entries.length === 0) return readFileList(dataTransfer.files || []);
  return (async () => {
    const out = [];
    for (const entry of entries) await walk(entry, '', out);
    return out;
  })();
}

async function walk(entry, prefix, out) {
  if (out.length >= MAX_FILES) return;
  const path = prefix + entry.name;
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push({ path, bytes: new Uint8Array(await file.arrayBuffer()) });
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    // readEntries answers in batches until an empty one.
    for (;;) {
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, path + '/', out);
    }
  }
}

/** Offers bytes as a file download. */
export function downloadBytes(name, bytes, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Copies text to the clipboard; false when the browser refuses (no permission, insecure page). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
