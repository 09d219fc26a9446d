/**
 * The ONE write path for every file this tool writes on a host (sysctl files, modprobe.d, modules-load.d, the
 * journal): POSIX sh, shared by the apply/undo script and the journal prelude.
 *
 * `ctf_write_file PATH BASE64 MODE UID GID CHAIN [LINK TARGET]…`
 *   - follows PATH's symlinks and writes the regular file at the end: temp file beside that TARGET (never beside
 *     the link: a rename onto the link would replace it with a file), fsync, rename (rename(2) is atomic);
 *   - CHAIN is the chain the plan saw (encodeLinkChain); a different chain now fails with nothing written, unless
 *     ctf_restore_links=1 (undo): then the links are put back first (LINK TARGET pairs), or, for an empty CHAIN,
 *     the link now at PATH is replaced by the regular file it was;
 *   - UID/GID '-' keep the writer's owner (the journal); sets ctf_err on failure.
 * Temp names never end in .conf, so neither sysctl nor modprobe reads a half-written file.
 */
import { linkChainFunctions } from '../facts/link-chain-sh.js';
import { remoteScript } from '../remote/scripts.js';

export const writeFileFunctions = `${linkChainFunctions}\n${remoteScript('write-file.sh')}`;
