/**
 * A run still being ingested: follows its server-sent events (`/live`), counting stored events
 * and calling back when findings arrive or the run finishes. One stream at a time, closed when
 * the user navigates away.
 */
import { h } from '../dom.js';

let current: EventSource | undefined;

export function stopLive(): void {
  current?.close();
  current = undefined;
}

export interface LiveCallbacks {
  onFindings: () => void;
  onFinished: () => void;
}

export function liveBanner(runId: string, callbacks: LiveCallbacks): HTMLElement {
  stopLive();
  const text = h('span', {}, 'Live: waiting for events…');
  const banner = h('p', { class: 'live', role: 'status', 'aria-live': 'polite' }, text);
  const source = new EventSource(`/api/v1/runs/${encodeURIComponent(runId)}/live`);
  current = source;
  source.addEventListener('events', (m) => {
    const { total } = JSON.parse((m as MessageEvent<string>).data) as { total: number };
    text.textContent = `Live: ${total} events stored so far`;
  });
  source.addEventListener('findings', () => callbacks.onFindings());
  source.addEventListener('status', (m) => {
    const { status } = JSON.parse((m as MessageEvent<string>).data) as { status: string };
    if (status === 'running') {
      // The stream's first message: from here on, nothing the server publishes is missed.
      banner.setAttribute('data-connected', 'true');
      return;
    }
    // The server ends the stream here; EventSource would otherwise reconnect.
    stopLive();
    callbacks.onFinished();
  });
  return banner;
}
