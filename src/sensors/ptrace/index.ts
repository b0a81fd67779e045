/** The ptrace sensor (strace-driven) and its parser, which also reads saved strace output. */
export { PtraceSensor, type PtraceSensorOptions } from './strace-sensor.js';
export { StraceParser, type ParserCounters, type RootEnd, type StraceParserOptions } from './strace-parser.js';
export { PTRACE_SYSCALLS } from './syscalls.js';
export { explainStraceError } from './strace-errors.js';
