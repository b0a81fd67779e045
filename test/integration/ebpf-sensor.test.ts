/**
 * The eBPF sensor against real programs on the real kernel. Needs root and a built probe
 * (`npm run setup`, or `make -C native/probe`); skipped with the reason otherwise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type Event, type SockAddr, isSockAddr } from '../../src/events/event.js';
import type { RunSummary } from '../../src/report/summary.js';
import { EbpfSensor, type EbpfSession, defaultLoaderPath } from '../../src/sensors/ebpf/index.js';
import { readJson, repoRoot, runHarrier, tempDir } from '../helpers/harrier.js';

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'the eBPF sensor needs root';
  if (!existsSync(defaultLoaderPath())) return `the probe is not built (${defaultLoaderPath()}): run npm run setup`;
  return undefined;
}

async function collect(s: EbpfSession): Promise<Event[]> {
  const all: Event[] = [];
  for await (const batch of s.events) all.push(...batch);
  return all;
}

function runCommand(argv: string[]): Promise<EbpfSession> {
  return new EbpfSensor().start({ mode: 'command', argv, cwd: process.cwd(), env: process.env });
}

test('a command: execve of cat with its argv, openat of /etc/hostname, exit code 7', async (t) => {
  const why = skipReason();
  if (why !== undefined) return t.skip(why);
  const s = await runCommand(['/bin/sh', '-c', 'cat /etc/hostname >/dev/null; exit 7']);
  const root = await s.rootPid;
  const events = await collect(s);
  assert.deepEqual(await s.exit, { kind: 'exited', code: 7 });

  // The command's first event is its own exec: nothing of the loader's fork leaks in.
  assert.equal(events[0]?.type, 'execve');
  assert.equal(events[0]?.pid, root);

  const cat = events.find((e) => e.type === 'execve' && Array.isArray(e.args.argv) && e.args.argv[0] === 'cat');
  assert.ok(cat, 'execve of cat');
  assert.equal(cat.res, 0);
  assert.deepEqual(cat.args.argv, ['cat', '/etc/hostname']);
  assert.equal(cat.args.ptid, root);

  const open = events.find((e) => e.type === 'openat' && e.args.name === '/etc/hostname');
  assert.ok(open, 'openat /etc/hostname');
  assert.equal(open.pid, cat.pid);
  assert.ok((open.res ?? -1) >= 0);

  const exit = events.find((e) => e.type === 'procexit' && e.pid === root);
  assert.deepEqual(exit?.args, { status: 7 });
  assert.ok(events.every((e) => e.source === 'ebpf'));
  // Timestamps are epoch nanoseconds, close to now.
  const now = BigInt(Date.now()) * 1_000_000n;
  assert.ok(cat.ts > now - 60_000_000_000n && cat.ts <= now, `ts ${cat.ts} vs ${now}`);

  const st = s.stats();
  assert.equal(st.drops, 0);
  assert.equal(st.parseErrors, 0);
  assert.equal(st.events, events.length);
  await s.stop();
});

test('a fast forker: all eight /bin/true execs are seen', async (t) => {
  const why = skipReason();
  if (why !== undefined) return t.skip(why);
  const s = await runCommand(['/bin/sh', '-c', 'for i in 1 2 3 4 5 6 7 8; do /bin/true & done; wait']);
  const events = await collect(s);
  assert.deepEqual(await s.exit, { kind: 'exited', code: 0 });
  const execs = events.filter((e) => e.type === 'execve' && e.res === 0 && e.args.filename === '/bin/true');
  assert.equal(execs.length, 8);
  assert.equal(new Set(execs.map((e) => e.pid)).size, 8);
  for (const ex of execs) {
    assert.ok(
      events.some((e) => e.type === 'procexit' && e.pid === ex.pid),
      `procexit of ${ex.pid}`,
    );
  }
  assert.equal(s.stats().drops, 0);
  await s.stop();
});

test('connect: the socket address is decoded', async (t) => {
  const why = skipReason();
  if (why !== undefined) return t.skip(why);
  const script = "require('net').connect(1, '127.0.0.1').on('error', () => process.exit(0))";
  const s = await runCommand([process.execPath, '-e', script]);
  const events = await collect(s);
  await s.exit;
  const c = events.find((e) => e.type === 'connect' && isSockAddr(e.args.addr) && e.args.addr.family === 'inet');
  assert.ok(c, 'connect event');
  assert.deepEqual(c.args.addr, { family: 'inet', ip: '127.0.0.1', port: 1 });
  // Node's sockets are non-blocking: refused at once, or in progress.
  assert.ok(c.errno === 'ECONNREFUSED' || c.errno === 'EINPROGRESS', String(c.errno));
  const sock = events.find((e) => e.type === 'socket' && e.args.domain === 'AF_INET');
  assert.ok(sock, 'socket event');
  await s.stop();
});

test('host mode sees a process started outside the sensor, and not Harrier itself', async (t) => {
  const why = skipReason();
  if (why !== undefined) return t.skip(why);
  const s = await new EbpfSensor().start({ mode: 'host' });
  const marker = `harrier-host-${randomBytes(6).toString('hex')}`;
  const seen: Event[] = [];
  let found: Event | undefined;
  const consumer = (async () => {
    for await (const batch of s.events) {
      for (const e of batch) {
        if (e.pid === process.pid) seen.push(e);
        if (e.type === 'execve' && Array.isArray(e.args.argv) && e.args.argv.includes(marker)) found = e;
      }
    }
  })();
  await new Promise<void>((resolve, reject) => {
    const c = spawn('/bin/echo', [marker], { stdio: 'ignore' });
    c.on('error', reject);
    c.on('close', () => resolve());
  });
  const deadline = Date.now() + 5000;
  while (found === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await s.stop();
  await consumer;
  assert.ok(found, 'the execve of /bin/echo with the marker');
  assert.equal(found.args.filename, '/bin/echo');
  assert.deepEqual(seen, [], "Harrier's own process is left out");
  assert.deepEqual(await s.exit, { kind: 'exited', code: 0 });
});

test('signal() reaches the command; stop() leaves nothing running', async (t) => {
  const why = skipReason();
  if (why !== undefined) return t.skip(why);
  const s = await runCommand(['/bin/sleep', '30']);
  const root = await s.rootPid;
  const drained = collect(s);
  s.signal('SIGTERM');
  assert.deepEqual(await s.exit, { kind: 'killed', signal: 'SIGTERM', signo: 15 });
  await drained;
  await s.stop();

  const s2 = await runCommand(['/bin/sleep', '30']);
  const root2 = await s2.rootPid;
  const drained2 = collect(s2);
  await s2.stop();
  await drained2;
  assert.deepEqual(await s2.exit, { kind: 'killed', signal: 'SIGKILL', signo: 9 });
  for (const pid of [root, root2]) assert.throws(() => process.kill(pid, 0), /ESRCH/);
});

test('a command that cannot be started is a SensorError', async (t) => {
  const why = skipReason();
  if (why !== undefined) return t.skip(why);
  await assert.rejects(runCommand(['/nonexistent/harrier-test']), (e: Error) => {
    assert.equal(e.name, 'SensorError');
    assert.match(e.message, /No such file or directory/);
    return true;
  });
});

/**
 * For IPv4 and IPv6 loopback: a TCP server on port 0 that connects to itself; then a UDP sendto
 * from an unbound socket. What getsockname/getpeername said goes to OUT (stdout belongs to the
 * observer): per family "listen client accepted-local accepted-peer" (0s without that family),
 * then the UDP socket's port.
 */
const SELF_CONNECT_C = `
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int port_of(int fd, int peer) {
    struct sockaddr_storage a;
    socklen_t n = sizeof a;
    if ((peer ? getpeername(fd, (struct sockaddr *)&a, &n) : getsockname(fd, (struct sockaddr *)&a, &n)) != 0)
        return -1;
    return a.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&a)->sin6_port)
                                   : ntohs(((struct sockaddr_in *)&a)->sin_port);
}

static void tcp(int family, FILE *f) {
    struct sockaddr_storage a;
    socklen_t n;
    int l, c, s;
    memset(&a, 0, sizeof a);
    if (family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&a;
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        n = sizeof *in;
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a;
        in6->sin6_family = AF_INET6;
        in6->sin6_addr = in6addr_loopback;
        n = sizeof *in6;
    }
    l = socket(family, SOCK_STREAM, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&a, n) != 0 || listen(l, 4) != 0 ||
        getsockname(l, (struct sockaddr *)&a, &n) != 0) {
        fprintf(f, "0 0 0 0\\n");
        return;
    }
    c = socket(family, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&a, n) != 0 || (s = accept(l, NULL, NULL)) < 0) {
        fprintf(f, "0 0 0 0\\n");
        return;
    }
    fprintf(f, "%d %d %d %d\\n", port_of(l, 0), port_of(c, 0), port_of(s, 0), port_of(s, 1));
    close(s);
    close(c);
    close(l);
}

int main(int argc, char **argv) {
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    FILE *f;
    int u;
    if (argc < 2 || !(f = fopen(argv[1], "w"))) return 2;
    tcp(AF_INET, f);
    tcp(AF_INET6, f);
    u = socket(AF_INET, SOCK_DGRAM, 0);
    if (sendto(u, "x", 1, 0, (struct sockaddr *)&to, sizeof to) != 1) return 3;
    fprintf(f, "%d\\n", port_of(u, 0));
    close(u);
    return fclose(f) ? 4 : 0;
}
`;

const portOf = (a: Event['args'][string] | undefined): number | undefined =>
  isSockAddr(a) && (a.family === 'inet' || a.family === 'inet6') ? a.port : undefined;

test("sockets' kernel-side endpoints: the port bind(0) got, the client's source port, both ends of accept", async (t) => {
  const why = skipReason();
  if (why !== undefined) return t.skip(why);
  const dir = tempDir();
  writeFileSync(join(dir, 'selfconnect.c'), SELF_CONNECT_C);
  const bin = join(dir, 'selfconnect');
  execFileSync('gcc', ['-O1', '-Wall', '-Wextra', '-Werror', '-o', bin, join(dir, 'selfconnect.c')], {
    stdio: 'inherit',
  });
  const out = join(dir, 'ports');
  const s = await runCommand([bin, out]);
  const events = await collect(s);
  assert.deepEqual(await s.exit, { kind: 'exited', code: 0 });
  assert.equal(s.stats().parseErrors, 0);
  const lines = readFileSync(out, 'utf8').trim().split('\n');
  const udpPort = Number(lines[2]);

  const families: Array<[SockAddr['family'], string, string]> = [
    ['inet', '127.0.0.1', lines[0] ?? ''],
    ['inet6', '::1', lines[1] ?? ''],
  ];
  for (const [family, ip, line] of families) {
    const [listenPort, clientPort, acceptedLocal, acceptedPeer] = line.split(' ').map(Number);
    if (family === 'inet6' && listenPort === 0) continue; // no IPv6 loopback here
    assert.ok(listenPort !== undefined && listenPort > 0, `${family}: ${line}`);
    assert.equal(acceptedLocal, listenPort);
    assert.equal(acceptedPeer, clientPort);
    const of = (type: string): Event[] =>
      events.filter((e) => e.type === type && isSockAddr(e.args.local) && e.args.local.family === family);
    const at = (port: number | undefined): SockAddr => ({ family, ip, port: port ?? -1 }) as SockAddr;

    // bind: the caller asked for port 0; the kernel's view has the real one.
    const bind = of('bind').find((e) => e.args.l4proto === 'tcp');
    assert.ok(bind, `${family} bind with the kernel's view`);
    assert.deepEqual(bind.args.addr, at(0));
    assert.deepEqual(bind.args.local, at(listenPort));
    assert.equal(bind.args.remote, undefined);

    const listen = of('listen')[0];
    assert.ok(listen, `${family} listen`);
    assert.deepEqual(listen.args.local, at(listenPort));
    assert.equal(listen.args.remote, undefined);
    assert.equal(listen.args.l4proto, 'tcp');

    const connect = of('connect')[0];
    assert.ok(connect, `${family} connect`);
    assert.equal(connect.res, 0);
    assert.deepEqual(connect.args.addr, at(listenPort));
    assert.deepEqual(connect.args.local, at(clientPort));
    assert.deepEqual(connect.args.remote, at(listenPort));
    assert.notEqual(portOf(connect.args.local), 0);

    // accept: the listener's fd in `fd`, the new connection's ends in local/remote.
    const accept = of('accept')[0];
    assert.ok(accept, `${family} accept`);
    assert.deepEqual(accept.args.fd, bind.args.fd);
    assert.deepEqual(accept.args.local, at(listenPort));
    assert.deepEqual(accept.args.remote, at(clientPort));
    assert.equal(accept.args.l4proto, 'tcp');
  }

  // An unbound UDP socket is bound by its first sendto: the kernel's view names the port.
  const sendto = events.find((e) => e.type === 'sendto' && e.args.l4proto === 'udp');
  assert.ok(sendto, 'sendto with the kernel view');
  assert.deepEqual(sendto.args.addr, { family: 'inet', ip: '127.0.0.1', port: 9 });
  assert.deepEqual(sendto.args.local, { family: 'inet', ip: '0.0.0.0', port: udpPort });
  assert.equal(sendto.args.remote, undefined);
  assert.ok(udpPort > 0);
  await s.stop();
});

test('harrier run --sensor ebpf: the demo listens and accepts at its real port, not :0', async (t) => {
  const why = skipReason();
  if (why !== undefined) return t.skip(why);
  execFileSync('make', ['-s', '-C', join(repoRoot, 'examples/demo')], { stdio: 'ignore' });
  const out = join(tempDir(), 'summary.json');
  const demo = join(repoRoot, 'examples/demo/build/demo');
  const r = await runHarrier(['run', '--sensor', 'ebpf', '--no-store', '--json', out, '--', demo], { cwd: tempDir() });
  assert.equal(r.code, 0, r.stderr);
  const net = readJson<RunSummary>(out).network;
  // The client connected to the port getsockname gave it: the independent witness.
  assert.equal(net.outbound.length, 1, JSON.stringify(net));
  const addr = net.outbound[0]?.address ?? '';
  assert.match(addr, /^127\.0\.0\.1:\d+$/);
  assert.notEqual(addr, '127.0.0.1:0');
  assert.deepEqual(
    net.listening.map((c) => [c.proto, c.address, c.count]),
    [['tcp', addr, 1]],
  );
  assert.deepEqual(
    net.inbound.map((c) => [c.proto, c.address, c.count, c.succeeded]),
    [['tcp', addr, 1, 1]],
  );
});
