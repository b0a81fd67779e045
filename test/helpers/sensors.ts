import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harrier.js';

/**
 * The sensors the integration suite runs against. ptrace always; ebpf when this machine can
 * run it (root and a built probe) — CI builds the probe, so there both run.
 */
export function sensorsUnderTest(): Array<'ptrace' | 'ebpf'> {
  const sensors: Array<'ptrace' | 'ebpf'> = ['ptrace'];
  const probe = join(repoRoot, 'native/probe/build/harrier-probe');
  if (process.getuid?.() === 0 && existsSync(probe)) sensors.push('ebpf');
  else
    process.stderr.write(
      `# ebpf sensor not under test: ${process.getuid?.() !== 0 ? 'not root' : `${probe} not built`}\n`,
    );
  return sensors;
}
