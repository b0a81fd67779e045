import { EbpfSensor } from '../sensors/ebpf/index.js';
import { PtraceSensor } from '../sensors/ptrace/strace-sensor.js';
import type { Sensor } from '../sensors/sensor.js';

/**
 * Every sensor that can observe a command, in order of preference for `--sensor auto`.
 * HARRIER_STRACE names the strace binary when it is not on PATH.
 */
export function availableSensors(): Sensor[] {
  // Both sensors observe until the last descendant has ended (strace cannot do otherwise), so a
  // run means the same thing whichever sensor it got.
  return [
    new EbpfSensor({ waitDescendants: true }),
    new PtraceSensor({ stracePath: process.env.HARRIER_STRACE || undefined }),
  ];
}

/** Sensors that can watch the whole host (ptrace only sees commands it starts). */
export function hostSensors(): Sensor[] {
  return [new EbpfSensor()];
}
