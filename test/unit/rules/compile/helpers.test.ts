import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globToRegExp } from '../../../../src/rules/compile/glob.js';
import { ipInNet, parseIpNet, parseIpv4, parseIpv6 } from '../../../../src/rules/compile/ip.js';
import { baseName, getOption, joinValues, length } from '../../../../src/rules/compile/transformers.js';
import { simplerThanRegex } from '../../../../src/rules/compile/warnings.js';
import { parseHexBytes, parseIntegerConst } from '../../../../src/rules/compile/values.js';
import { scanQuoted, unescapeQuoted } from '../../../../src/rules/condition/quoted.js';

test('glob is fnmatch without flags', () => {
  const g = (p: string, s: string, i = false) => globToRegExp(p, i).test(s);
  assert.equal(g('/etc/*', '/etc/a/b'), true);
  assert.equal(g('*.log', 'x.log'), true);
  assert.equal(g('?.log', 'xy.log'), false);
  assert.equal(g('[a-c]x', 'bx'), true);
  assert.equal(g('[!a-c]x', 'bx'), false);
  assert.equal(g('[^a-c]x', 'dx'), true);
  assert.equal(g('[]]x', ']x'), true);
  assert.equal(g('a\\*', 'a*'), true);
  assert.equal(g('a\\*', 'ab'), false);
  assert.equal(g('a.b', 'axb'), false);
  assert.equal(g('[unclosed', '[unclosed'), true);
  assert.equal(g('A*', 'abc', true), true);
});

test('IP addresses and networks', () => {
  assert.equal(parseIpv4('10.1.2.3'), 0x0a010203);
  assert.equal(parseIpv4('256.1.1.1'), -1);
  assert.equal(parseIpv4('1.2.3'), -1);
  assert.equal(parseIpv6('::1'), 1n);
  assert.equal(parseIpv6('::ffff:1.2.3.4'), 0xffff01020304n);
  assert.equal(parseIpv6('1::2::3'), undefined);
  const net = parseIpNet('172.16.0.0/12');
  assert.ok(net);
  assert.equal(ipInNet('172.31.255.255', net), true);
  assert.equal(ipInNet('172.32.0.0', net), false);
  assert.equal(ipInNet(0xac100001, net), true);
  assert.equal(parseIpNet('1.2.3.4/33'), undefined);
  assert.equal(parseIpNet('x'), undefined);
});

test('constants: integers and hex bytes', () => {
  assert.equal(parseIntegerConst('0x10'), 16);
  assert.equal(parseIntegerConst('-5'), -5);
  assert.equal(parseIntegerConst('18446744073709551615'), 18446744073709551615n);
  assert.equal(parseIntegerConst('1.0'), undefined);
  assert.deepEqual(parseHexBytes('00ff'), new Uint8Array([0, 255]));
  assert.equal(parseHexBytes('abc'), undefined);
  assert.equal(parseHexBytes('zz'), undefined);
});

test('transformer functions', () => {
  assert.equal(baseName('/usr/bin/ls'), 'ls');
  assert.equal(baseName('/usr/bin/'), 'bin');
  assert.equal(baseName('ls'), 'ls');
  assert.equal(length('héllo'), 6);
  assert.equal(length(['a', 'b']), 2);
  assert.equal(joinValues(['a', ['b', 'c'], 1], '/'), 'a/b/c/1');
  assert.equal(joinValues(['a', undefined], '/'), undefined);
  assert.equal(getOption(['sh', '-c', 'id'], '-c'), 'id');
  assert.equal(getOption(['curl', '-oout'], '-o'), 'out');
  assert.equal(getOption(['x', '--output=f'], '--output'), 'f');
  assert.equal(getOption('nc -e /bin/sh host', '-e'), '/bin/sh');
  assert.equal(getOption(['x'], '-e'), undefined);
});

test('regex heuristics', () => {
  assert.equal(simplerThanRegex('^abc$'), '=');
  assert.equal(simplerThanRegex('^abc'), '='); // regex is a full match: anchors are redundant
  assert.equal(simplerThanRegex('abc.+'), 'startswith');
  assert.equal(simplerThanRegex('.?abc'), 'endswith');
  assert.equal(simplerThanRegex('.*abc.*'), 'contains');
  assert.equal(simplerThanRegex('abc'), '=');
  assert.equal(simplerThanRegex('a\\.*'), undefined);
  assert.equal(simplerThanRegex('a{2}'), undefined);
});

test('quoted strings: libsinsp scanning and escapes', () => {
  assert.deepEqual(scanQuoted(`'a\\'b' rest`, 0), { end: 6, raw: "a\\'b", quote: "'" });
  assert.equal(scanQuoted(`"unterminated`, 0), undefined);
  assert.equal(unescapeQuoted('a\\\\b\\/c\\ d', '"'), 'a\\b/c\\d');
  assert.throws(() => unescapeQuoted("\\'", '"'), /invalid/);
});
