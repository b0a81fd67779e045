/**
 * Recording a session into the store: what `run` and `monitor` share. Beginning a run can fail
 * (locked store, disk full) after the sensor has started, so the session is stopped then; and
 * the writer's backlog is bounded so a fast sensor cannot grow the heap without limit.
 */
import { hostname } from 'node:os';
import type { SensorSession } from '../sensors/sensor.js';
import type { NewRun, RunRecorder, RunWriter } from '../store/store.js';

/**
 * Events the store may hold unwritten before the pipeline waits for it: eBPF peaks above
 * DuckDB's append rate, and the sensor's own buffers (where loss is counted) take the rest.
 */
export const STORE_BACKLOG_LIMIT = 200_000;

export async function beginRecording(
  session: SensorSession,
  store: RunRecorder | undefined,
  run: Omit<NewRun, 'hostname'>,
): Promise<RunWriter | undefined> {
  try {
    return await store?.beginRun({ ...run, hostname: hostname() });
  } catch (e) {
    await session.stop();
    throw e;
  }
}

/** Waits for the store when it has fallen too far behind. */
export async function keepUp(writer: RunWriter | undefined): Promise<void> {
  if (writer && writer.backlog() > STORE_BACKLOG_LIMIT) await writer.flush();
}
