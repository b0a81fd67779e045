/** Falco-format rule outputs and alerts. */
export { type CompiledOutput, type OutputField, OutputFormatError, compileOutput } from './format.js';
export {
  type AlertInput,
  type FalcoAlert,
  buildFalcoAlert,
  falcoAlertObject,
  falcoAlertJson,
  falcoAlertText,
  readableAlertLine,
} from './falco-alert.js';
export { PRIORITIES, type Priority, priorityName, severityOf } from './priority.js';
export { NA, valueJson, valueText } from './value-text.js';
export { type Transformer, transformer } from './transformers.js';
