/** Starting a real `harrier serve` process for tests and benchmarks, and talking to it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { harrierBin } from './harrier.js';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** stderr so far (for failure messages). */
  stderr: () => string;
  /** SIGTERM (or `signal`) and wait for the exit. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Spawns `harrier serve ARGS` and resolves with its URL once it prints the bound address. */
export function startServer(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [harrierBin, 'serve', '--listen', '127.0.0.1:0', ...args], {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`harrier serve did not start within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m?.[1] === undefined) return;
      clearTimeout(timer);
      resolve({
        url: m[1],
        child,
        stderr: () => stderr,
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`harrier serve exited (${code}) before listening: ${stderr}`));
    });
  });
}

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export async function getJson<T = Record<string, unknown>>(
  url: string,
  init: RequestInit = {},
): Promise<JsonResponse<T>> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, init);
    text = await res.text();
  } catch (e) {
    // fetch's own message is only "fetch failed"; the cause says what the socket did.
    const cause = (e as { cause?: unknown }).cause;
    throw new Error(`${init.method ?? 'GET'} ${url}: ${String(cause ?? e)}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} with a non-JSON body: ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, body: body as T };
}
