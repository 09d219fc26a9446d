/**
 * Strict patterns for the values of an inventory that reach a remote command, an ssh connection or a terminal:
 * host names, addresses and user names. Checked at load time, so a hostile inventory is bad input (exit 2)
 * before any host is contacted, whatever later code does with the value.
 *
 * Sources of the rules:
 * - host names: RFC 952/1123 labels, plus `_` (Ansible and OpenSSH accept it, and real fleets use it), plus
 *   IPv4 and IPv6 literals (Ansible's inventory accepts bare and `[…]` IPv6). OpenSSH's ssh.c valid_hostname()
 *   refuses shell metacharacters and a leading `-`; we go further and allow only letters, digits, `.`, `-`, `_`.
 * - IDNs: OpenSSH does no IDNA conversion and Ansible passes the name through, so a Unicode name is refused with
 *   its punycode (xn--) form to use instead.
 * - user names: shadow-utils' useradd rule (`[A-Za-z0-9_.][A-Za-z0-9_.-]*$?`, at most 32 characters), which is
 *   also inside OpenSSH's valid_ruser() (no shell metacharacters, no leading `-`).
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

const HOST_LABELS = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/;
const USER_NAME = /^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,31}\$?$/;
const MAX_HOST_NAME = 253;

/** Undefined when `name` is a host name or IP address we accept; else what is wrong, for "got …; expected …". */
export function hostNameProblem(name: string): string | undefined {
  if (isIP(name) !== 0) return undefined;
  if (name.length > MAX_HOST_NAME) return `a host name of at most ${MAX_HOST_NAME} characters`;
  if (HOST_LABELS.test(name) && !name.includes('..')) return undefined;

  if (/[^\x00-\x7f]/.test(name) && /^[\p{L}\p{N}._-]+$/u.test(name)) {
    const ascii = domainToASCII(name);
    return ascii
      ? `the punycode form "${ascii}" (internationalised names are not converted by ssh)`
      : 'an ASCII host name';
  }
  return 'a host name (letters, digits, ".", "-", "_"), an IPv4 address or an IPv6 address';
}

/** Undefined when `user` is a user name useradd would accept; else the expectation. */
export function userNameProblem(user: string): string | undefined {
  return USER_NAME.test(user)
    ? undefined
    : 'a user name (letters, digits, ".", "_", "-", not starting with "-", at most 32 characters)';
}
