/** Playbook loading; the Playbook/StepSpec types live in ./types.ts. */
export { loadPlaybook, parsePlaybook } from './load-playbook.js';
export { STEP_KINDS, SYSCTL_CONF_FILE, SYSCTL_D_FILE } from './step-schemas.js';
