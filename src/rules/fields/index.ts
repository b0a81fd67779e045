/**
 * Falco field extraction over Harrier's events and state.
 *
 * Conventions the condition compiler relies on:
 * - `lookup` takes the bare name (`proc.aname`, `evt.arg`); the argument goes to `extractor`
 *   (`2`, `HOME`, `name`). `parseFieldRef`/`readFieldRef` split `proc.aname[2]` and
 *   `evt.arg.name` the way libsinsp does (longest known name wins); `argProblem` validates.
 * - Values by type: string/ipaddr/ipnet → string, int/uint/port → number, abstime/reltime →
 *   bigint (ns), bool → boolean; unresolvable → undefined.
 * - Some fields return an array: `isList` fields (`fd.types`), the unindexed ancestor forms
 *   (`proc.aname`, `proc.apid`, … = any ancestor) and the filter-only either-end fields
 *   (`fd.ip`, `fd.port`, `fd.net`): a comparison holds when it holds for any element.
 * - Extract right after `SystemState.apply(event)`: fd lookups are memoised per event.
 */
export type { EvalContext, Extractor, FieldArg, FieldDef, FieldRegistry, FieldType, FieldValue } from './types.js';
export { FalcoFieldRegistry, fieldRegistry, supportedFields } from './registry.js';
export { type FieldRef, argProblem, parseFieldRef, readFieldRef } from './field-ref.js';
export { unsupportedFields } from './unsupported.js';
