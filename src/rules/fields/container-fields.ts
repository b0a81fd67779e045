/**
 * container.* and k8s.*: Harrier has no container metadata yet, so every process is on the
 * host — the values Falco gives host processes (`container.id` = `host`) — and Kubernetes
 * fields are unresolved. The definitions exist so rules using them load and type-check.
 */
import { type FieldSpec, UNRESOLVED, plain } from './spec.js';
import type { FieldDef } from './types.js';

const host = (): string => 'host';

function keyed(name: string, desc: string): FieldSpec {
  return { name, type: 'string', arg: 'required-key', desc, make: () => UNRESOLVED };
}

const unresolvedString = (name: string, desc: string): FieldSpec => plain(name, 'string', desc, UNRESOLVED);

const K8S: ReadonlyArray<readonly [string, FieldDef['arg']]> = [
  ['k8s.ns.name', 'none'],
  ['k8s.pod.name', 'none'],
  ['k8s.pod.id', 'none'],
  ['k8s.pod.uid', 'none'],
  ['k8s.pod.sandbox_id', 'none'],
  ['k8s.pod.full_sandbox_id', 'none'],
  ['k8s.pod.labels', 'none'],
  ['k8s.pod.ip', 'none'],
  ['k8s.pod.cni.json', 'none'],
  ['k8s.pod.label', 'required-key'],
  ['k8s.ns.label', 'required-key'],
  ['k8s.rc.name', 'none'],
  ['k8s.svc.name', 'none'],
  ['k8s.rs.name', 'none'],
  ['k8s.deployment.name', 'none'],
];

export const CONTAINER_FIELDS: readonly FieldSpec[] = [
  plain('container.id', 'string', "Container id ('host' for host processes).", host),
  plain('container.name', 'string', "Container name ('host' for host processes).", host),
  plain('container.privileged', 'bool', 'Privileged container (false on the host).', () => false),
  unresolvedString('container.image', 'Container image (unresolved in Harrier yet).'),
  unresolvedString('container.image.id', 'Container image id (unresolved in Harrier yet).'),
  unresolvedString('container.image.repository', 'Container image repository (unresolved in Harrier yet).'),
  unresolvedString('container.image.tag', 'Container image tag (unresolved in Harrier yet).'),
  unresolvedString('container.image.digest', 'Container image digest (unresolved in Harrier yet).'),
  unresolvedString('container.type', 'Container runtime (unresolved in Harrier yet).'),
  unresolvedString('container.mounts', 'Container mounts (unresolved in Harrier yet).'),
  unresolvedString('container.ip', 'Container IP (unresolved in Harrier yet).'),
  unresolvedString('container.cni.json', 'Container CNI result (unresolved in Harrier yet).'),
  keyed('container.label', 'A container label (unresolved in Harrier yet).'),
  keyed('container.mount', 'A container mount (unresolved in Harrier yet).'),
  plain('container.start_ts', 'abstime', 'Container start (unresolved in Harrier yet).', UNRESOLVED),
  plain('container.duration', 'reltime', 'Container age (unresolved in Harrier yet).', UNRESOLVED),
  ...K8S.map(([name, arg]): FieldSpec => ({
    name,
    type: 'string',
    arg,
    desc: 'Kubernetes metadata (unresolved in Harrier yet).',
    make: () => UNRESOLVED,
  })),
];
