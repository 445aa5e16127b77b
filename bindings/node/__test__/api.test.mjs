// The Node API: plain camelCase data, coded errors, agreement with the CLI's JSON.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'

import { CORPUS, MPP_BIN, camelKeys, skipCli, skipCorpus } from './helpers.mjs'

const require = createRequire(import.meta.url)
const mpp = require('../index.js')

// A small MPP14 file with a summary task, subtasks, resources and assignments.
const SAMPLE = join(CORPUS, 'mpp/mpp14baseline.mpp')
const PASSWORD = join(CORPUS, 'mpp/password-protected-mpp9.mpp')

function codeOf(fn) {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof Error)
    return e.code
  }
  assert.fail('no error thrown')
}

test('bytes that are not a compound file', () => {
  assert.equal(codeOf(() => mpp.read(Buffer.from('not a project file '.repeat(20)))), 'not_compound_file')
})

test('XML input is recognised and refused for now', () => {
  const xml = new TextEncoder().encode('\ufeff <?xml version="1.0"?><Project/>')
  assert.equal(codeOf(() => mpp.read(xml)), 'unsupported_version')
})

test('a missing file is ENOENT', () => {
  assert.equal(codeOf(() => mpp.readFile('/nonexistent/plan.mpp')), 'ENOENT')
  assert.equal(codeOf(() => mpp.convert('/nonexistent/plan.mpp', '/tmp/x.xml')), 'ENOENT')
})

test('TypeScript definitions are generated', () => {
  const native = readFileSync(new URL('../native.d.ts', import.meta.url), 'utf8')
  assert.match(native, /export declare function readFile\(path: string\): NativeProject/)
  const model = readFileSync(new URL('../model.d.ts', import.meta.url), 'utf8')
  assert.match(model, /export interface Task \{/)
  assert.match(model, /percentWorkComplete: number \| null/)
})

test('the model is the CLI JSON in camelCase', { skip: skipCli }, () => {
  const cli = JSON.parse(execFileSync(MPP_BIN, ['info', '--json', SAMPLE], { maxBuffer: 1 << 28 }))
  const project = mpp.readFile(SAMPLE)
  assert.deepEqual(JSON.parse(JSON.stringify(project)), camelKeys(cli))
})

test('typed fields of a real file', { skip: skipCorpus }, () => {
  const project = mpp.readFile(SAMPLE)
  assert.equal(project.properties.title, 'MPP12BaselineTest-9')
  assert.equal(project.properties.fileFormat, 'Mpp14')
  assert.equal(project.properties.factors.minutesPerDay, 480)
  assert.equal(project.tasks.length, 15)
  const base = project.task(1)
  assert.equal(base.name, 'Base Task')
  assert.equal(base.summary, true)
  assert.equal(base.start, '2006-08-24T08:00:00')
  assert.deepEqual(base.duration, { value: 16, units: 'Days' })
  assert.deepEqual(project.children(1).slice(0, 2).map((t) => t.name), ['Subtask 1', 'Subtask 2'])
  assert.equal(project.assignments.length, 10)
  const uids = new Set(project.tasks.map((t) => t.uid))
  assert.ok(project.assignments.every((a) => uids.has(a.taskUid)))
  assert.equal(project.calendars[0].name, 'Standard')
  assert.equal(project.calendars[0].days[1].hours[0].from, '08:00:00')
})

test('buffer, path and writeXml agree', { skip: skipCorpus }, () => {
  const fromPath = mpp.readFile(SAMPLE)
  const bytes = readFileSync(SAMPLE)
  const fromBuffer = mpp.read(bytes)
  const fromView = mpp.read(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  const xml = fromPath.toXml()
  assert.ok(xml.startsWith('<?xml'))
  assert.equal(fromBuffer.toXml(), xml)
  assert.equal(fromView.toXml(), xml)
  const out = join(mkdtempSync(join(tmpdir(), 'mpp-node-')), 'out.xml')
  fromBuffer.writeXml(out)
  assert.equal(readFileSync(out, 'utf8'), xml)
})

test('readFileAsync reads off the main thread and rejects with a code', { skip: skipCorpus }, async () => {
  const [a, b] = await Promise.all([mpp.readFileAsync(SAMPLE), mpp.readFileAsync(SAMPLE)])
  assert.equal(a.tasks.length, 15)
  assert.equal(a.toXml(), b.toXml())
  assert.equal(a.toXml(), mpp.readFile(SAMPLE).toXml())
  await assert.rejects(mpp.readFileAsync('/nonexistent/plan.mpp'), (e) => e instanceof Error && e.code === 'ENOENT')
  if (existsSync(PASSWORD)) {
    await assert.rejects(mpp.readFileAsync(PASSWORD), (e) => e instanceof Error && e.code === 'password_protected')
  }
})

test('password protected', { skip: skipCorpus || (!existsSync(PASSWORD) && 'no password sample') }, () => {
  let err
  try {
    mpp.readFile(PASSWORD)
  } catch (e) {
    err = e
  }
  assert.ok(err instanceof Error)
  assert.equal(err.code, 'password_protected')
  assert.match(err.message, /password/)
})
