// The WASM binding run in Node (the same .wasm the page loads): API, error codes, and
// byte identity with `mpp convert` plus model identity with `mpp info --json` over the corpus.
// Env: MPP_BIN (default target/release/mpp), CORPUS (default ../shared/corpus).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusFiles, repoRoot } from './corpus.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.join(here, '..', 'web', 'pkg');
const wasm = await import(path.join(pkg, 'mpp_wasm.js'));
wasm.initSync({ module: readFileSync(path.join(pkg, 'mpp_wasm_bg.wasm')) });
const mpp = process.env.MPP_BIN ?? path.join(repoRoot, 'target', 'release', 'mpp');

test('version is the workspace version', () => {
  assert.match(wasm.version(), /^\d+\.\d+\.\d+$/);
});

test('errors are JS Errors with the core error code', () => {
  const bad = new TextEncoder().encode('isto não é um projeto');
  assert.throws(() => wasm.read(bad), (e) => e instanceof Error && e.name === 'MppError' && e.code === 'not_project_file');
  assert.throws(() => new wasm.ProjectFile(new Uint8Array(0)), (e) => e.code === 'not_project_file');
  // Bad XML gets the MSPDI reader's codes, with the file name in the message.
  const malformed = new TextEncoder().encode('<Project><Title>x</Project>');
  assert.throws(() => wasm.toXml(malformed, 'plano.xml'), (e) => e.code === 'corrupt' && /^plano\.xml: /.test(e.message));
  const notProject = new TextEncoder().encode('<?xml version="1.0"?><Plan/>');
  assert.throws(() => wasm.read(notProject), (e) => e.code === 'not_project_file');
});

test('MSPDI input is read like .mpp', () => {
  const xml = new TextEncoder().encode(
    '<?xml version="1.0"?><Project xmlns="http://schemas.microsoft.com/project">' +
      '<Title>Obra</Title><Tasks><Task><UID>1</UID><ID>1</ID><Name>Fundação</Name></Task></Tasks></Project>',
  );
  const file = new wasm.ProjectFile(xml, 'plano.xml');
  try {
    assert.equal(file.sourceKind, 'xml');
    assert.equal(file.project().properties.title, 'Obra');
    assert.deepEqual(file.project().tasks.map((t) => t.name), ['Fundação']);
    // Our own output reads back to the same bytes.
    const first = file.toXmlBytes();
    assert.ok(Buffer.from(wasm.toXml(first)).equals(Buffer.from(first)));
  } finally {
    file.free();
  }
});

const files = corpusFiles();
test('every corpus file: toXml is byte-identical to `mpp convert`, read() equals `mpp info --json`', { skip: files.reason }, () => {
  assert.ok(existsSync(mpp), `${mpp} missing: cargo build --release -p mpp-cli`);
  const out = mkdtempSync(path.join(tmpdir(), 'mpp-wasm-'));
  try {
    // One CLI run converts the whole corpus; files it refuses are checked for a refusal here too.
    try {
      execFileSync(mpp, ['convert', files.root, '-o', out], { stdio: 'ignore' });
    } catch {
      /* password-protected files fail; compared below */
    }
    let same = 0;
    let refused = 0;
    let modelChecked = 0;
    for (const rel of files.list) {
      const bytes = readFileSync(path.join(files.root, rel));
      const cliXml = path.join(out, rel.replace(/\.mpp$/i, '.xml'));
      if (!existsSync(cliXml)) {
        assert.throws(() => new wasm.ProjectFile(bytes, rel), (e) => typeof e.code === 'string', rel);
        refused++;
        continue;
      }
      const file = new wasm.ProjectFile(bytes, rel);
      try {
        const mine = Buffer.from(file.toXmlBytes());
        assert.ok(mine.equals(readFileSync(cliXml)), `${rel}: XML differs from mpp convert`);
        assert.equal(file.toXml(), mine.toString('utf8'), `${rel}: toXml() and toXmlBytes() differ`);
        same++;
        // The model as JS equals the CLI's JSON: checked on every 8th file (JSON is slow to spawn).
        if (same % 8 === 1) {
          const json = JSON.parse(execFileSync(mpp, ['info', '--json', path.join(files.root, rel)], { maxBuffer: 1 << 28 }));
          assert.deepEqual(file.project(), json, `${rel}: read() differs from mpp info --json`);
          modelChecked++;
        }
      } finally {
        file.free();
      }
    }
    console.log(`byte-identical XML: ${same} files; refused by both: ${refused}; model equal to --json: ${modelChecked} files`);
    assert.ok(same > 0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('model round trip: the XML `mpp convert` wrote, read back in WASM, writes the same bytes', { skip: files.reason }, () => {
  const out = mkdtempSync(path.join(tmpdir(), 'mpp-wasm-rt-'));
  try {
    let n = 0;
    for (const rel of files.list.filter((_, i) => i % 16 === 0)) {
      const src = path.join(files.root, rel);
      const first = path.join(out, `${n}.xml`);
      const second = path.join(out, `${n}.again.xml`);
      try {
        execFileSync(mpp, ['convert', src, '-o', first], { stdio: 'ignore' });
      } catch {
        continue; // refused files have no XML to round-trip
      }
      execFileSync(mpp, ['convert', first, '-o', second], { stdio: 'ignore' });
      const written = readFileSync(first);
      const file = new wasm.ProjectFile(written, rel);
      try {
        assert.equal(file.sourceKind, 'xml');
        const mine = Buffer.from(file.toXmlBytes());
        assert.ok(mine.equals(written), `${rel}: XML → WASM → XML differs from the XML read`);
        assert.ok(mine.equals(readFileSync(second)), `${rel}: XML → WASM → XML differs from mpp convert of that XML`);
      } finally {
        file.free();
      }
      n++;
    }
    console.log(`round trip through MSPDI byte-identical: ${n} files`);
    assert.ok(n > 0);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
