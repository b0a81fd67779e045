/** The eBPF sensor: native/probe's loader plus the decoder of its record stream. */
export { EbpfSensor, EbpfSession, type EbpfSensorOptions } from './ebpf-sensor.js';
export {
  RecordDecoder,
  exitStatusOf,
  type DecoderListener,
  type ProbeHello,
  type ProbeMessage,
  type ProbeStats,
} from './decoder.js';
export { defaultLoaderPath, loaderUnavailableReason } from './loader.js';
