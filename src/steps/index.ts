/** The step planners' public API (pure: facts + playbook → Changes), used by the runner and the reporters. */
export { stepDefinitions, filesNeeded, planHost, initialContext, readsRules } from './definitions.js';
