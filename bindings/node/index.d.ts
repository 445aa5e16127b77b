// Types of index.js. The model's shapes (Task, Resource ...) are generated into
// model.d.ts from the Rust model; the native layer's into native.d.ts by napi.
import type {
  Assignment,
  Calendar,
  CustomFieldDef,
  Properties,
  Resource,
  Task,
} from './model'

export * from './model'

/**
 * Error codes: the core's (`not_compound_file`, `not_project_file`, `password_protected`,
 * `unsupported_version`, `corrupt`, `too_large`) or the OS's (`ENOENT`, `EACCES`, `EISDIR`, `io`).
 */
export interface MppError extends Error {
  code: string
}

/** A project read from a file: plain data in camelCase, dates as zoneless ISO strings. */
export declare class Project {
  readonly properties: Properties
  readonly calendars: Calendar[]
  /** Every task in ID order, blank rows (`isNull`) included. */
  readonly tasks: Task[]
  readonly resources: Resource[]
  readonly assignments: Assignment[]
  readonly customFields: CustomFieldDef[]
  /** The task with this unique ID. */
  task(uid: number): Task | undefined
  /** The resource with this unique ID. */
  resource(uid: number): Resource | undefined
  /** The direct subtasks of a task, in ID order. */
  children(uid: number): Task[]
  /** The MSPDI document, identical to what `mpp convert` writes. */
  toXml(): string
  /** Writes the MSPDI document to `path`. */
  writeXml(path: string): void
  toJSON(): {
    properties: Properties
    calendars: Calendar[]
    tasks: Task[]
    resources: Resource[]
    assignments: Assignment[]
    customFields: CustomFieldDef[]
  }
}

/** Reads a project from a file path; throws an `MppError` when it cannot. */
export declare function readFile(path: string): Project
/** Reads a project from a file path off the main thread; rejects with an `MppError` when it cannot. */
export declare function readFileAsync(path: string): Promise<Project>
/** Reads a project from the bytes of a file; throws an `MppError` when it cannot. */
export declare function read(buffer: Buffer | Uint8Array): Project
/** Reads `src` and writes its MSPDI XML to `dst`, as `mpp convert src -o dst` does. */
export declare function convert(src: string, dst: string): void
