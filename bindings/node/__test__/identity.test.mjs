// Same answer everywhere: the XML from Node is byte for byte the CLI's.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'

import { CORPUS, MPP_BIN, identitySample, skipCli } from './helpers.mjs'

const require = createRequire(import.meta.url)
const mpp = require('../index.js')

const sample = identitySample()
const dir = mkdtempSync(join(tmpdir(), 'mpp-node-identity-'))

if (skipCli) {
  test('XML is the CLI XML', { skip: skipCli }, () => {})
} else {
  for (const [i, rel] of sample.entries()) {
    test(`XML is the CLI XML: ${rel}`, () => {
      const src = join(CORPUS, 'mpp', rel)
      const cliOut = join(dir, `${i}.cli.xml`)
      execFileSync(MPP_BIN, ['convert', src, '-o', cliOut])
      const expected = readFileSync(cliOut)
      assert.ok(Buffer.from(mpp.readFile(src).toXml()).equals(expected), 'readFile().toXml()')
      assert.ok(Buffer.from(mpp.read(readFileSync(src)).toXml()).equals(expected), 'read().toXml()')
      const converted = join(dir, `${i}.node.xml`)
      mpp.convert(src, converted)
      assert.ok(readFileSync(converted).equals(expected), 'convert()')
    })
  }
}
