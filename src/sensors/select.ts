/**
 * Chooses the sensor for a run and says why, so the user is never left guessing which
 * collection method (and which overhead) they got.
 */
import type { Sensor } from './sensor.js';
import { SensorError } from './sensor.js';

export type SensorChoice = 'auto' | 'ebpf' | 'ptrace';
export const SENSOR_CHOICES: readonly SensorChoice[] = ['auto', 'ebpf', 'ptrace'];

export interface Selected {
  sensor: Sensor;
  reason: string;
}

/** Sensors in order of preference for `auto`; each tells why it cannot run here. */
export async function selectSensor(
  choice: SensorChoice,
  candidates: Sensor[],
  noneHint = 'install strace (apt-get install strace) or run as root',
): Promise<Selected> {
  if (choice !== 'auto') {
    const sensor = candidates.find((s) => s.kind === choice);
    if (!sensor) throw new SensorError(`the ${choice} sensor is not available in this build`);
    const why = await sensor.unavailableReason();
    if (why) throw new SensorError(`cannot use the ${choice} sensor: ${why}`, hintFor(choice));
    return { sensor, reason: 'chosen with --sensor' };
  }
  const refusals: string[] = [];
  for (const sensor of candidates) {
    const why = await sensor.unavailableReason();
    if (!why) {
      const reason = refusals.length === 0 ? 'preferred' : `fallback: ${refusals.join('; ')}`;
      return { sensor, reason };
    }
    refusals.push(`${sensor.kind}: ${why}`);
  }
  throw new SensorError(`no sensor can run here (${refusals.join('; ')})`, noneHint);
}

function hintFor(choice: SensorChoice): string | undefined {
  if (choice === 'ebpf') return 'run as root, or use --sensor ptrace';
  if (choice === 'ptrace') return 'apt-get install strace';
  return undefined;
}
