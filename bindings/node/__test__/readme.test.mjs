// The README's Node example runs, on a real file.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import { CORPUS, REPO, skipCorpus } from './helpers.mjs'

test('README example', { skip: skipCorpus }, () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
  const code = readme.match(/```js\n([\s\S]*?)```/)[1]
  const sample = join(CORPUS, 'mpp/mpp14baseline.mpp')
  const index = fileURLToPath(new URL('../index.js', import.meta.url))
  const dir = mkdtempSync(join(tmpdir(), 'mpp-node-readme-'))
  const script = join(dir, 'example.cjs')
  writeFileSync(
    script,
    code.replace("require('mpp-core')", `require(${JSON.stringify(index)})`).replace("'plan.mpp'", JSON.stringify(sample)),
  )
  const out = execFileSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' })
  assert.match(out, /MPP12BaselineTest-9 15 tasks/)
  assert.match(out, /Base Task/)
  assert.match(out, /cannot read: ENOENT/)
  const expected = execFileSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(index)}).readFile(${JSON.stringify(sample)}).toXml())`])
  assert.ok(readFileSync(join(dir, 'plan.xml')).equals(expected))
})
