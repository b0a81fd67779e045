import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserDb, groupName, userName } from '../../../src/events/users.js';

test('host names come from /etc/passwd and /etc/group', () => {
  assert.equal(userName(0), 'root');
  assert.equal(groupName(0), 'root');
  assert.equal(userName(987654), '987654');
  assert.equal(groupName(987654), '987654');
});

test('a UserDb reads its own files once, first entry wins, malformed lines skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'harrier-users-'));
  try {
    const passwd = join(dir, 'passwd');
    const group = join(dir, 'group');
    writeFileSync(
      passwd,
      '# comment\nalice:x:1000:1000::/home/alice:/bin/sh\nalias:x:1000:1000::/:/bin/sh\nbad line\nbob:x:notanumber:1\n',
    );
    writeFileSync(group, 'staff:x:50:\n');
    const db = new UserDb(passwd, group);
    assert.equal(db.userName(1000), 'alice');
    assert.equal(db.groupName(50), 'staff');
    assert.equal(db.userName(0), '0');
    writeFileSync(passwd, 'carol:x:1000:1000::/:/bin/sh\n');
    assert.equal(db.userName(1000), 'alice', 'cached');
    db.reset();
    assert.equal(db.userName(1000), 'carol');
    assert.equal(new UserDb(join(dir, 'missing'), join(dir, 'missing')).userName(5), '5');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
