import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildFalcoAlert,
  falcoAlertJson,
  falcoAlertText,
  readableAlertLine,
} from '../../../../src/rules/output/falco-alert.js';
import { compileOutput } from '../../../../src/rules/output/format.js';
import { priorityName, severityOf } from '../../../../src/rules/output/priority.js';
import { ev, lineage } from '../fields/helpers.js';

function alert() {
  const { w, sh } = lineage();
  const e = w.apply(
    ev('openat', sh, { dirfd: { fd: -100 }, name: '/etc/shadow', flags: { names: ['O_RDONLY'] }, mode: 0 }, 3),
  );
  e.ts = 1_795_990_317_000_030_192n;
  return buildFalcoAlert({
    rule: 'Read sensitive file untrusted',
    priority: 'Warning',
    tags: ['mitre_credential_access', 'filesystem', 'T1555', 'filesystem'],
    output: compileOutput(
      'Sensitive file opened for reading (file=%fd.name pid=%proc.pid ok=%evt.failed user=%user.name image=%container.image.repository)',
    ),
    ctx: { event: e, state: w.state },
    hostname: 'build-7',
  });
}

test('the JSON alert: Falco key order, prefixed output, typed sorted output_fields, sorted tags, ns time', () => {
  const json = falcoAlertJson(alert());
  assert.equal(
    json,
    '{"hostname":"build-7",' +
      '"output":"22:11:57.000030192: Warning Sensitive file opened for reading (file=/etc/shadow pid=300 ok=false user=root image=<NA>)",' +
      '"output_fields":{"container.image.repository":null,"evt.failed":false,"evt.time":1795990317000030192,"fd.name":"/etc/shadow","proc.pid":300,"user.name":"root"},' +
      '"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall",' +
      '"tags":["T1555","filesystem","mitre_credential_access"],' +
      '"time":"2026-11-29T22:11:57.000030192Z"}',
  );
  const parsed = JSON.parse(json) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed), [
    'hostname',
    'output',
    'output_fields',
    'priority',
    'rule',
    'source',
    'tags',
    'time',
  ]);
  assert.match(String(parsed.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
});

test('text lines: Falco plain output and a readable line', () => {
  const a = alert();
  assert.equal(
    falcoAlertText(a),
    '22:11:57.000030192: Warning Sensitive file opened for reading (file=/etc/shadow pid=300 ok=false user=root image=<NA>)',
  );
  assert.equal(
    readableAlertLine(a),
    '2026-11-29T22:11:57.000030192Z WARNING Read sensitive file untrusted: Sensitive file opened for reading (file=/etc/shadow pid=300 ok=false user=root image=<NA>) [T1555, filesystem, mitre_credential_access]',
  );
});

test('priorities: any spelling in rules, the long capitalised form in alerts', () => {
  assert.equal(priorityName('WARNING'), 'Warning');
  assert.equal(priorityName('info'), 'Informational');
  assert.equal(priorityName('INFORMATIONAL'), 'Informational');
  assert.equal(priorityName('critical'), 'Critical');
  assert.equal(priorityName('loud'), undefined);
  assert.equal(severityOf('Emergency'), 0);
  assert.equal(severityOf('Debug'), 7);
});
