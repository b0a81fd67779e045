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
let navigation = 0;

async function route(): Promise<void> {
  stopLive();
  stopMonitor();
  // Each navigation renders into a container of its own: a view still loading when the user
  // moves on finishes into a detached element instead of drawing over the page they went to.
  const current = ++navigation;
  const view = document.createElement('div');
  view.className = 'view';
  root.replaceChildren(view);
  const [path = '/', query = ''] = location.hash.replace(/^#/, '').split('?');
  const run = /^\/runs\/([^/]+)$/.exec(path);
  document.querySelectorAll('nav a').forEach((a) => {
    const current = (a.getAttribute('href') ?? '').slice(1) === (run ? '/' : path || '/');
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  if (run?.[1] !== undefined) await runView(view, decodeURIComponent(run[1]));
  else if (path === '/compare') await compareView(view, new URLSearchParams(query));
  else if (path === '/rules') await rulesView(view);
  else if (path === '/monitor') monitorView(view);
  else await runsView(view);
  if (current === navigation) root.setAttribute('data-ready', location.hash);
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
