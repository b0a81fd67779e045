#!/usr/bin/env python3
# Development helper: creates a FIFO, runs a command with the interposer, prints decoded records.
import os, struct, subprocess, sys, tempfile, threading
here = os.path.dirname(os.path.abspath(__file__))
lib = os.environ.get('HP_LIB') or os.path.join(here, '..', 'libharrier_preload.so')
d = tempfile.mkdtemp(); fifo = os.path.join(d, 'f'); os.mkfifo(fifo)
rfd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
wfd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
os.set_blocking(rfd, True)
data = bytearray()
def reader():
    while True:
        b = os.read(rfd, 65536)
        if not b: break
        data.extend(b)
t = threading.Thread(target=reader); t.start()
env = dict(os.environ, LD_PRELOAD=os.path.abspath(lib), HARRIER_LIBC_FIFO=fifo)
r = subprocess.run(sys.argv[1:], env=env)
os.close(wfd); t.join()
names = {1:'HELLO',2:'MODULES',3:'RISK',4:'COUNTS',5:'DROPS'}
o = 0
while o + 16 <= len(data):
    magic, ver, typ, ln, _, pid, tid = struct.unpack_from('<HBBHHII', data, o)
    assert magic == 0x4C48 and ver == 1, (o, magic)
    body = data[o+16:o+ln]
    if typ == 1:
        ppid, flags = struct.unpack_from('<II', body); print('HELLO', pid, tid, ppid, flags, body[8:].split(b'\0')[0].decode())
    elif typ == 2:
        gen, part, parts, n = struct.unpack_from('<IHHH', body); print('MODULES', pid, 'gen', gen, part, '/', parts, n)
        p = 12
        for i in range(n):
            s, e, off, pl = struct.unpack_from('<QQQH', body, p); p += 26
            print('   %x-%x %x %s' % (s, e, off, body[p:p+pl].decode())); p += pl
    elif typ == 3:
        cls, n, gen, site = struct.unpack_from('<HHIQ', body); fn = body[16:48].split(b'\0')[0].decode()
        dl, = struct.unpack_from('<H', body, 48)
        frames = struct.unpack_from('<%dQ' % n, body, 56)
        det = body[56+8*n:56+8*n+dl].decode(errors='replace')
        print('RISK', pid, tid, 'class', cls, fn, 'gen', gen, 'site %x' % site, 'frames', ' '.join('%x' % f for f in frames), repr(det))
    elif typ == 4:
        n, = struct.unpack_from('<H', body)
        for i in range(n):
            site, cls, _, _, hits = struct.unpack_from('<QHHIQ', body, 8 + 24*i); print('COUNT', pid, '%x' % site, cls, hits)
    elif typ == 5:
        print('DROPS', pid, struct.unpack_from('<QQ', body))
    o += ln
print('exit', r.returncode, 'bytes', len(data))
