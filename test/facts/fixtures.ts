/** Reads a fact fixture (see test/fixtures/facts/README.md). */
import { readFileSync } from 'node:fs';

const fixtureDir = new URL('../fixtures/facts/', import.meta.url);

export function readFixture(name: string): string {
  return readFileSync(new URL(name, fixtureDir), 'utf8');
}
