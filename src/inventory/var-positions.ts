/** Where each effective variable of a host was written, kept beside the plain InventoryHost data. */
import type { SourcePosition } from '../errors.js';
import type { InventoryHost } from './types.js';

const positionsByHost = new WeakMap<InventoryHost, ReadonlyMap<string, SourcePosition>>();

export function rememberVarPositions(host: InventoryHost, positions: ReadonlyMap<string, SourcePosition>): void {
  positionsByHost.set(host, positions);
}

/** Undefined for hosts not built by loadInventory (e.g. in tests) or variables it did not see. */
export function varPosition(host: InventoryHost, name: string): SourcePosition | undefined {
  return positionsByHost.get(host)?.get(name);
}
