/**
 * The libc interposer's reading side: the FIFO channel and its decoder, per-process module
 * maps, symbolisation of RISK stacks, and static-executable detection.
 */
export {
  RecordType,
  RiskClass,
  riskClassName,
  type CountsRecord,
  type DropsRecord,
  type HelloRecord,
  type LibcRecord,
  type ModuleMapping,
  type ModulesRecord,
  type RiskRecord,
  type SiteCount,
} from './protocol.js';
export { LibcDecoder, type LibcDecoderCounters } from './decoder.js';
export { openLibcChannel, type LibcChannel, type LibcChannelOptions, type LibcChildEnv } from './channel.js';
export { preloadLibraryExists, preloadLibraryPath, preloadLibraryProblem } from './preload-library.js';
export { ModuleMaps, type ModuleLocation } from './modules.js';
export { Symboliser, type SymbolRequest, type Symbolised, type SymboliserOptions } from './symbols/symbolise.js';
export {
  renderStack,
  STARTUP_FUNCTIONS,
  symboliseLocated,
  symboliseRisk,
  type LocatedStack,
  type RenderOptions,
  type StackFrame,
} from './stack.js';
export { executableKind, isStaticExecutable, type ExecutableKind } from './elf-info.js';
