/**
 * The ONE write path for every file this tool writes on a host (sysctl files, modprobe.d, modules-load.d, the
 * journal): POSIX sh in src/remote/write-file.sh, shared by the apply/undo script and the journal prelude.
 *
 * `ctf_write_file PATH ENCODING DATA MODE UID GID CHAIN [LINK TARGET]…` (ENCODING `text`: DATA is the bytes, written
 * by printf; `base64`: DATA is their base64, for bytes a shell word cannot carry — see apply-script.ts fileData)
 *   - follows PATH's symlinks and writes the regular file at the end: temp file beside that TARGET (never beside
 *     the link: a rename onto the link would replace it with a file), fsync, rename (rename(2) is atomic), fsync of
 *     the directory;
 *   - the temp is `.conntrack-fleet.TOKEN.N` (TOKEN: the script's record token), created exclusively (noclobber,
 *     O_EXCL): an existing name is refused, nothing written. Mode comes from the umask at creation when it can (no
 *     x or special bits), else chmod; chown only when the owner differs from the writer's (or the directory is
 *     set-group-ID);
 *   - CHAIN is the chain the plan saw (encodeLinkChain); a different chain now fails with nothing written, unless
 *     ctf_restore_links=1 (undo): then the links are put back first (LINK TARGET pairs), or, for an empty CHAIN,
 *     the link now at PATH is replaced by the regular file it was;
 *   - UID/GID '-' keep the writer's owner (the journal); sets ctf_err on failure.
 * Temp names never end in .conf, so neither sysctl nor modprobe reads a half-written file.
 */
import { linkChainFunctions } from '../facts/link-chain-sh.js';
import { remoteScript } from '../remote/scripts.js';

/** Needs recordHeader (remote/records.ts) before it: the temp names use its token. */
export const writeFileFunctions = `${linkChainFunctions}\n${remoteScript('write-file.sh')}`;
