/**
 * Signing in to a server that needs a token (one listening beyond loopback). The browser cannot
 * add a bearer header to its requests and event streams, so the token is posted once to
 * `/api/v1/session`, which answers with an HttpOnly session cookie the browser then sends by
 * itself. The form replaces the page until then; "Sign out" ends the session on the server.
 */
import { h } from './dom.js';

interface SessionState {
  tokenRequired: boolean;
  authenticated: boolean;
  via: 'bearer' | 'cookie' | null;
}

/** The header the server asks of cookie-authenticated changes (a cross-site form cannot send it). */
const CSRF = { 'x-harrier-csrf': '1' };

async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    return body.error?.message ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

export class Session {
  private form: HTMLElement | undefined;

  constructor(
    private readonly main: HTMLElement,
    private readonly signOutButton: HTMLButtonElement | null,
    /** Called once signed in, to load the page the user asked for. */
    private readonly onSignedIn: () => void,
  ) {
    this.signOutButton?.addEventListener('click', () => void this.signOut());
  }

  /** True while the sign-in form stands in for the page. */
  get signingIn(): boolean {
    return this.form !== undefined;
  }

  /** Resolves true when the page may load data now, false when the sign-in form is shown instead. */
  async start(): Promise<boolean> {
    let state: SessionState;
    try {
      const res = await fetch('/api/v1/session', { headers: { accept: 'application/json' } });
      if (!res.ok) return true; // an older server without sign-in: the views report what fails
      state = (await res.json()) as SessionState;
    } catch {
      return true;
    }
    if (state.tokenRequired && !state.authenticated) {
      this.showSignIn();
      return false;
    }
    this.setSignedIn(state.via === 'cookie');
    return true;
  }

  /** Shows the sign-in form in place of the page (the API said 401: never signed in, or the session ended). */
  showSignIn(message?: string): void {
    this.setSignedIn(false);
    if (this.form !== undefined) return;
    const input = h('input', {
      id: 'signin-token',
      name: 'token',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
      'aria-describedby': 'signin-error',
    });
    const error = h('p', { id: 'signin-error', class: 'error', role: 'alert' });
    const submit = h('button', { type: 'submit' }, 'Sign in');
    const showError = (text: string): void => {
      error.textContent = text;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      input.select();
    };
    if (message !== undefined) error.textContent = message;
    const form = h(
      'form',
      { class: 'signin-form', 'data-signin': '' },
      h('label', { for: 'signin-token' }, 'Access token'),
      input,
      error,
      submit,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submit.disabled = true;
      void this.signIn(input.value)
        .then((failure) => {
          if (failure !== undefined) showError(failure);
        })
        .finally(() => {
          submit.disabled = false;
        });
    });
    this.form = h(
      'section',
      { class: 'signin', 'aria-labelledby': 'signin-title' },
      h('h1', { id: 'signin-title' }, 'Sign in'),
      h(
        'p',
        {},
        'This Harrier server needs its access token: the one it was started with (--token-file or HARRIER_TOKEN).',
      ),
      form,
    );
    this.main.hidden = true;
    this.main.before(this.form);
    input.focus();
  }

  /** Resolves with why it failed, or undefined once signed in. */
  private async signIn(token: string): Promise<string | undefined> {
    let res: Response;
    try {
      res = await fetch('/api/v1/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...CSRF },
        body: JSON.stringify({ token }),
      });
    } catch {
      return 'Could not reach the server.';
    }
    if (res.status === 401) return 'Wrong token. Check it and try again.';
    if (res.status === 429) {
      return `Too many wrong tokens. Try again in ${res.headers.get('retry-after') ?? 'a few'} s.`;
    }
    if (!res.ok) return `Could not sign in: ${await errorMessage(res)}`;
    this.form?.remove();
    this.form = undefined;
    this.main.hidden = false;
    this.setSignedIn(true);
    this.onSignedIn();
    return undefined;
  }

  private async signOut(): Promise<void> {
    try {
      await fetch('/api/v1/session', { method: 'DELETE', headers: CSRF });
    } finally {
      this.showSignIn('Signed out.');
    }
  }

  private setSignedIn(byCookie: boolean): void {
    if (this.signOutButton !== null) this.signOutButton.hidden = !byCookie;
  }
}
