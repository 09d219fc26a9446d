/**
 * The fixed part of the gather script: POSIX sh functions (dash, bash, busybox ash) that print sections.
 * Output protocol, one item a line: `@@value NAME VALUE`, `@@problem TEXT`, `@@begin NAME [ARG]` … `@@end`
 * around `|content`, `!stderr` and `@@rc N` lines, and `@@done` last. Content lines always start with `|`,
 * so no output of a command can fake a marker.
 */
import { remoteScript } from '../remote/scripts.js';
import { linkChainFunctions } from './link-chain-sh.js';

export const gatherFunctions = `${linkChainFunctions}\n${remoteScript('gather.sh')}`;
