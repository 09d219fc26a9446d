/**
 * Ansible habits that do not fit this playbook format, caught before the schema so the message says why and where
 * to read (docs/playbook.md) instead of "got a list". An Ansible playbook is a list of plays, each with `tasks:`
 * (https://docs.ansible.com/ansible/latest/playbook_guide/playbooks_intro.html); ours is one mapping with `steps:`.
 */
import { positionAtPath, positionOfKeyAtPath } from '../config/node-position.js';
import { documentValue, type YamlSource } from '../config/yaml-source.js';
import { InputError } from '../errors.js';

const ansiblePlayKeys = ['tasks', 'roles', 'pre_tasks', 'post_tasks', 'handlers'];
const ourFormat =
  'one mapping with hosts:, rollout keys (serial, gate …) and steps: — the conntrack-fleet format, not a list of plays (docs/playbook.md; example: playbooks/tune.yaml)';

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws when the document is a list (of plays) or a mapping that is an Ansible play (tasks: and no steps:). */
export function refuseAnsiblePlaybook(source: YamlSource): void {
  const value = documentValue(source);
  if (Array.isArray(value)) {
    const looksLikePlays = value.some((play) => isMapping(play) && ansiblePlayKeys.some((key) => key in play));
    const what = looksLikePlays ? 'an Ansible playbook (a list of plays with tasks:)' : 'a list';
    throw new InputError(`got ${what}; expected ${ourFormat}`, positionAtPath(source, []));
  }
  if (!isMapping(value) || 'steps' in value) return;
  const playKey = ansiblePlayKeys.find((key) => key in value);
  if (playKey !== undefined) {
    throw new InputError(
      `"${playKey}" is an Ansible play key; expected ${ourFormat}`,
      positionOfKeyAtPath(source, [playKey]),
    );
  }
}
