'use strict'
// The public API: a thin wrapper over the generated native binding (native.js).
// The model arrives as the core's serde JSON with camelCase keys.

const native = require('./native.js')

const NATIVE = Symbol('native')

/** A project read from a file. Fields are plain data; see model.d.ts. */
class Project {
  constructor(nativeProject) {
    Object.defineProperty(this, NATIVE, { value: nativeProject })
    const data = JSON.parse(nativeProject.toJson())
    this.properties = data.properties
    this.calendars = data.calendars
    this.tasks = data.tasks
    this.resources = data.resources
    this.assignments = data.assignments
    this.customFields = data.customFields
  }

  /** The task with this unique ID, or undefined. */
  task(uid) {
    return this.tasks.find((t) => t.uid === uid)
  }

  /** The resource with this unique ID, or undefined. */
  resource(uid) {
    return this.resources.find((r) => r.uid === uid)
  }

  /** The direct subtasks of the task with this unique ID, in ID order. */
  children(uid) {
    return this.tasks.filter((t) => t.parent === uid)
  }

  /** The MSPDI document, identical to what `mpp convert` writes. */
  toXml() {
    return this[NATIVE].toXml()
  }

  /** Writes the MSPDI document to `path`. */
  writeXml(path) {
    this[NATIVE].writeXml(path)
  }

  toJSON() {
    return {
      properties: this.properties,
      calendars: this.calendars,
      tasks: this.tasks,
      resources: this.resources,
      assignments: this.assignments,
      customFields: this.customFields,
    }
  }
}

/** Reads a project from a file path. Throws an Error with a `code` when it cannot. */
function readFile(path) {
  return new Project(native.readFile(String(path)))
}

/** Reads a project from a file path on libuv's thread pool; rejects with a coded Error. */
async function readFileAsync(path) {
  return new Project(await native.readFileAsync(String(path)))
}

/** Reads a project from the bytes of a file (Buffer or Uint8Array). */
function read(buffer) {
  const data = Buffer.isBuffer(buffer) ? buffer : Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength)
  return new Project(native.read(data))
}

/** Reads `src` and writes its MSPDI XML to `dst`, as `mpp convert src -o dst` does. */
function convert(src, dst) {
  native.convert(String(src), String(dst))
}

module.exports = { Project, readFile, readFileAsync, read, convert }
