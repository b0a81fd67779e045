/**
 * The dashboard's router: `#/` runs, `#/runs/ID` one run, `#/compare?base=A&head=B`, `#/monitor`
 * the alert stream, `#/rules` the rules.
 */
import './style.css';
import { onUnauthorized } from './api.js';
import { Session } from './session.js';
import { compareView } from './views/compare.js';
import { stopLive } from './views/live.js';
import { rulesView } from './views/rules.js';
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
  else if (path === '/rules') await rulesView(root);
  else if (path === '/monitor') monitorView(root);
  else await runsView(root);
  root.setAttribute('data-ready', location.hash);
}

// A server that needs a token shows its sign-in form first, and again whenever a session ends.
const session = new Session(root, document.getElementById('sign-out') as HTMLButtonElement | null, () => {
  void route().then(() => root.focus({ preventScroll: true }));
});
onUnauthorized(() => {
  stopLive();
  session.showSignIn();
});

window.addEventListener('hashchange', () => {
  if (session.signingIn) return; // the page the user asked for loads once signed in
  void route().then(() => root.focus({ preventScroll: true }));
});
void session.start().then((ready) => {
  if (ready) void route();
});
