/**
 * Events per second by category over the run, drawn with uPlot: drag across the chart to zoom
 * into a span, double-click to zoom out again.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, type EventRecord } from '../api.js';
import { clear, errorBox, h } from '../dom.js';

const MAX_EVENTS = 200_000;

const CATEGORIES = ['file', 'network', 'process', 'memory', 'other'] as const;
type Category = (typeof CATEGORIES)[number];
const COLOURS: Record<Category, string> = {
  file: '#2563eb',
  network: '#d97706',
  process: '#059669',
  memory: '#7c3aed',
  other: '#6b7280',
};

const BY_TYPE: Record<string, Category> = {};
for (const [cat, types] of Object.entries({
  file: 'open openat openat2 creat read write pread64 pwrite64 readv writev close stat fstat lstat newfstatat statx access faccessat faccessat2 unlink unlinkat rename renameat renameat2 mkdir mkdirat rmdir chmod fchmod fchmodat chown fchown fchownat lseek getdents64 readlink readlinkat truncate ftruncate dup dup2 dup3 fcntl ioctl pipe pipe2 sendfile',
  network:
    'socket connect accept accept4 bind listen sendto recvfrom sendmsg recvmsg shutdown getsockname getpeername setsockopt getsockopt socketpair',
  process:
    'execve execveat clone clone3 fork vfork exit exit_group wait4 waitid kill tgkill setuid setgid setresuid setresgid prctl ptrace procexit',
  memory: 'mmap munmap mprotect brk mremap madvise',
}) as [Category, string][]) {
  for (const t of types.split(' ')) BY_TYPE[t] = cat;
}

/** Bucket widths in seconds, so a 300 ms run and a one-hour monitor both get a readable curve. */
const WIDTHS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
const MAX_BUCKETS = 150;

/** Events per second in equal buckets from the run's start: x in seconds since the start. */
function bucket(events: EventRecord[], startNs: bigint): { data: uPlot.AlignedData; width: number } {
  const secs = events.map((e) => Math.max(0, Number(BigInt(e.ts) - startNs) / 1e9));
  const span = Math.max(...secs, 0.001);
  const width = WIDTHS.find((w) => span / w <= MAX_BUCKETS) ?? 3600;
  const n = Math.floor(span / width) + 1;
  const counts = new Map<Category, number[]>(CATEGORIES.map((c) => [c, new Array<number>(n).fill(0)]));
  events.forEach((e, i) => {
    const series = counts.get(BY_TYPE[e.type] ?? 'other');
    const k = Math.floor((secs[i] ?? 0) / width);
    if (series !== undefined) series[k] = (series[k] ?? 0) + 1;
  });
  const xs = Array.from({ length: n }, (_, i) => i * width);
  return { data: [xs, ...CATEGORIES.map((c) => (counts.get(c) ?? []).map((v) => v / width))], width };
}

export function timelinePanel(runId: string, startedAtNs: string): HTMLElement {
  const area = h('div', { class: 'chart', role: 'img', 'aria-label': 'Events per second by category' });
  const note = h('p', { class: 'muted' }, 'Loading events…');
  const panel = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'timeline-h' },
    h('h2', { id: 'timeline-h' }, 'Timeline'),
    note,
    area,
  );
  void (async () => {
    try {
      const { events, truncated } = await api.eventTimes(runId, MAX_EVENTS);
      if (events.length === 0) {
        clear(note, 'No events were recorded.');
        return;
      }
      const { data, width: bucketSeconds } = bucket(events, BigInt(startedAtNs));
      const totals = CATEGORIES.map(
        (c, i) => `${c} ${Math.round((data[i + 1] as number[]).reduce((a, b) => a + b, 0) * bucketSeconds)}`,
      );
      clear(
        note,
        `${events.length} events${truncated ? ` (the first ${MAX_EVENTS} only)` : ''}: ${totals.join(', ')}. `,
        `Rates over ${bucketSeconds * 1000 >= 1000 ? `${bucketSeconds} s` : `${bucketSeconds * 1000} ms`} buckets. `,
        'Drag across the chart to zoom, double-click to reset.',
      );
      const width = Math.max(320, Math.min(area.clientWidth || panel.clientWidth || 800, 1200));
      const plot = new uPlot(
        {
          width,
          height: 220,
          scales: { x: { time: false } },
          axes: [{ label: 'seconds since start' }, { label: 'events/s', size: 70 }],
          series: [
            { label: 's' },
            ...CATEGORIES.map((c) => ({
              label: c,
              stroke: COLOURS[c],
              width: 2,
              points: { show: data[0].length < 30 },
            })),
          ],
        },
        data,
        area,
      );
      // Follow the panel's width (the 800px layout stacks the panels).
      new ResizeObserver(() => {
        const w = Math.max(320, Math.min(area.clientWidth, 1200));
        if (w !== plot.width) plot.setSize({ width: w, height: 220 });
      }).observe(area);
    } catch (e) {
      clear(note, errorBox(e));
    }
  })();
  return panel;
}
