// Shared by the suites: the corpus beside the repository, the release `mpp`
// binary, and the sample of files whose XML must match the CLI's.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
export const REPO = resolve(here, '../../..')
export const CORPUS = process.env.MPP_CORPUS ?? resolve(REPO, '../shared/corpus')
export const MPP_BIN = process.env.MPP_BIN ?? join(REPO, 'target/release/mpp')
// Every STRIDE-th readable corpus file (sorted by path) plus the largest; the
// Python suite picks the same ones. 1 checks them all.
const STRIDE = Number(process.env.MPP_IDENTITY_STRIDE ?? '10')

export const haveCorpus = existsSync(join(CORPUS, 'manifest.tsv'))
export const haveBin = existsSync(MPP_BIN)
export const skipCorpus = haveCorpus ? false : `corpus not found at ${CORPUS} (set MPP_CORPUS)`
export const skipCli = !haveCorpus
  ? skipCorpus
  : haveBin
    ? false
    : `${MPP_BIN} not built (cargo build --release -p mpp-cli, or set MPP_BIN)`

export function manifest() {
  const [header, ...lines] = readFileSync(join(CORPUS, 'manifest.tsv'), 'utf8').trimEnd().split('\n')
  const cols = header.split('\t')
  const rows = lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [cols[i], v])))
  // Sort by code point, as Python's sorted() does, so both suites pick the same files.
  return rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

export function identitySample() {
  if (!haveCorpus) return []
  const ok = manifest().filter((r) => r.expect === 'ok')
  const picked = new Set(ok.filter((_, i) => i % STRIDE === 0).map((r) => r.path))
  picked.add(ok.reduce((a, b) => (Number(b.size) > Number(a.size) ? b : a)).path)
  return [...picked].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

export function camelKeys(value) {
  if (Array.isArray(value)) return value.map(camelKeys)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase()), camelKeys(v)]),
    )
  }
  return value
}
