/** The dashboard's router: `#/` runs, `#/runs/ID` one run, `#/compare?base=A&head=B`, `#/monitor` the alert stream. */
import './style.css';
import { compareView } from './views/compare.js';
import { stopLive } from './views/live.js';
import { monitorView, stopMonitor } from './views/monitor.js';
import { runView } from './views/run.js';
import { runsView } from './views/runs.js';

const root = document.getElementById('app') as HTMLElement;

async function route(): Promise<void> {
  stopLive();
  stopMonitor();
  const [path = '/', query = ''] = location.hash.replace(/^#/, '').split('?');
  const run = /^\/runs\/([^/]+)$/.exec(path);
  document.querySelectorAll('nav a').forEach((a) => {
    const current = (a.getAttribute('href') ?? '').slice(1) === (run ? '/' : path || '/');
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  if (run?.[1] !== undefined) await runView(root, decodeURIComponent(run[1]));
  else if (path === '/compare') await compareView(root, new URLSearchParams(query));
  else if (path === '/monitor') monitorView(root);
  else await runsView(root);
  root.setAttribute('data-ready', location.hash);
}

window.addEventListener('hashchange', () => {
  void route().then(() => root.focus({ preventScroll: true }));
});
void route();
