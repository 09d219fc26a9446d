/** Test helper: a Playbook from YAML text named pb.yaml, through the same validation as loadPlaybook. */
import { parseYamlSource } from '../../src/config/yaml-source.js';
import { parsePlaybook } from '../../src/playbook/load-playbook.js';
import type { Playbook } from '../../src/playbook/types.js';

export function playbookFrom(text: string): Playbook {
  return parsePlaybook(parseYamlSource('pb.yaml', text));
}
