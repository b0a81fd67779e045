import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainStraceError } from '../../../src/sensors/ptrace/strace-errors.js';
import { fixture } from './helpers.js';

const explain = (name: string): { message: string; hint: string | undefined } => {
  const e = explainStraceError(fixture(name).toString('utf8'), 1);
  assert.equal(e.name, 'SensorError');
  return { message: e.message, hint: e.hint };
};

test('ptrace denied (seccomp, Yama, missing CAP_SYS_PTRACE) names the failing call and what to do', () => {
  const e = explain('stderr-ptrace-denied.txt');
  assert.equal(
    e.message,
    'this system does not allow tracing processes with ptrace (strace: ptrace(PTRACE_TRACEME, ...): Operation not permitted)',
  );
  assert.match(e.hint ?? '', /root/);
  assert.match(e.hint ?? '', /kernel\.yama\.ptrace_scope/);
  assert.match(e.hint ?? '', /CAP_SYS_PTRACE/);
});

test('a missing command', () => {
  assert.deepEqual(explain('stderr-no-command.txt'), {
    message: 'cannot run /nonexistent/cmd: No such file or directory',
    hint: 'check the command path',
  });
});

test('a command that cannot be executed', () => {
  assert.deepEqual(explain('stderr-exec-denied.txt'), {
    message: 'cannot execute the command: Permission denied',
    hint: 'check that the command is an executable',
  });
});

test('a syscall name this strace does not know', () => {
  assert.deepEqual(explain('stderr-bad-syscall.txt'), {
    message: 'this strace does not know the system call bogus_call',
    hint: 'install strace 6.1 or later (apt-get install strace)',
  });
});

test('an option this strace does not have', () => {
  assert.deepEqual(explain('stderr-old-strace.txt'), {
    message: 'this strace is too old (it does not support --kill-on-exit)',
    hint: 'install strace 6.1 or later (apt-get install strace)',
  });
});

test('anything else is reported with strace’s own message', () => {
  const e = explainStraceError('strace: something new went wrong\n', 2);
  assert.equal(e.message, 'strace failed with status 2: strace: something new went wrong');
  assert.equal(explainStraceError('', null).message, 'strace failed');
});
