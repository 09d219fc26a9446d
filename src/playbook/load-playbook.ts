/** Reads and validates a playbook: plain data out, every default filled in, every problem an InputError. */
import { positionAtPath } from '../config/node-position.js';
import { documentValue, loadYamlSource, type YamlSource } from '../config/yaml-source.js';
import { inputErrorFromZod } from '../config/zod-input-error.js';
import { parseHostPattern } from '../inventory/host-pattern.js';
import { refuseAnsiblePlaybook } from './ansible-play.js';
import { parseSteps } from './parse-steps.js';
import { playbookSchema } from './playbook-schema.js';
import type { Playbook } from './types.js';

export function loadPlaybook(file: string): Playbook {
  return parsePlaybook(loadYamlSource(file, 'playbook'));
}

/** Pure: validates an already parsed YAML source. */
export function parsePlaybook(source: YamlSource): Playbook {
  refuseAnsiblePlaybook(source);
  const parsed = playbookSchema.safeParse(documentValue(source));
  if (!parsed.success) throw inputErrorFromZod(source, parsed.error);
  const { name, hosts, serial, max_fail_percentage, max_unreachable_percent, gate, on_abort, steps } = parsed.data;
  // Syntax only: whether the pattern matches anything depends on the inventory (selectHosts).
  const hostsPosition = positionAtPath(source, ['hosts']);
  parseHostPattern(hosts, hostsPosition);
  const playbook: Playbook = {
    file: source.file,
    hosts,
    hostsPosition,
    steps: parseSteps(source, steps),
    serial,
    max_fail_percentage,
    on_abort,
  };
  if (name !== undefined) playbook.name = name;
  if (gate !== undefined) playbook.gate = gate;
  if (max_unreachable_percent !== undefined) playbook.max_unreachable_percent = max_unreachable_percent;
  return playbook;
}
