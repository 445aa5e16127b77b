// Where the tests find the repository, the CLI and the (optional) corpus beside it.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** `{root, list}` of every .mpp under the corpus (sorted), or `{reason}` when there is none. */
export function corpusFiles() {
  const corpus = process.env.CORPUS ?? path.join(repoRoot, '..', 'shared', 'corpus');
  const root = path.join(corpus, 'mpp');
  if (!existsSync(root)) return { reason: `corpus not found at ${root} (set CORPUS to its directory)`, list: [] };
  const list = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.mpp$/i.test(e.name)) list.push(path.relative(root, p));
    }
  };
  walk(root);
  return { root, list, reason: list.length ? undefined : `no .mpp files under ${root}` };
}

/** The largest corpus file, by size. */
export function largest(files) {
  let best = null;
  for (const rel of files.list) {
    const size = statSync(path.join(files.root, rel)).size;
    if (!best || size > best.size) best = { rel, size };
  }
  return best;
}

/** The corpus file with the most tasks according to manifest.tsv (beside `mpp/`), if any. */
export function mostTasks(files) {
  const manifest = path.join(files.root, '..', 'manifest.tsv');
  if (!existsSync(manifest)) return null;
  const [head, ...lines] = readFileSync(manifest, 'utf8').trim().split('\n');
  const cols = head.split('\t');
  const [ip, it] = [cols.indexOf('path'), cols.indexOf('tasks')];
  let best = null;
  for (const line of lines) {
    const f = line.split('\t');
    const tasks = Number(f[it]);
    if (files.list.includes(f[ip]) && Number.isFinite(tasks) && (!best || tasks > best.tasks)) best = { rel: f[ip], tasks };
  }
  return best;
}
