/**
 * Turns what a remote shell printed on stderr into a message for people: the file or key, the errno text
 * (strerror(3) wording, as glibc prints it) and the likely cause; never the `sh: 29:` position inside our scripts.
 * Pure. The texts in the table were produced by dash 0.5.12, bash 5.2, busybox 1.35 and coreutils 9.1 on Linux 6.18
 * (see test/steps/remote-error.test.ts, which makes them again with real failing writes).
 */
import { escapeMessage } from '../config/escape.js';

/** What the failed command was acting on: a knob (key + path), a file (path), or a module. */
export interface FailureSubject {
  kind: 'knob' | 'file' | 'module' | 'other';
  /** e.g. nf_conntrack_max, nf_conntrack.hashsize, or a module name. */
  key?: string;
  /** Absolute path on the host. */
  path?: string;
}

interface ErrnoRule {
  /** strerror text, or a shell's own wording of it (dash: "Directory nonexistent"). */
  pattern: RegExp;
  errno: string;
  cause(subject: FailureSubject): string;
}

const isKnob = (subject: FailureSubject) => subject.kind === 'knob';

/** Order matters only where two texts could both appear; the first match names the errno. */
const errnoRules: ErrnoRule[] = [
  {
    pattern: /Operation not supported/,
    errno: 'Operation not supported',
    cause: (s) =>
      isKnob(s)
        ? 'the kernel allows this only from the initial network namespace (the host is a container?)'
        : 'the file system or kernel does not support this operation',
  },
  {
    pattern: /Permission denied/,
    errno: 'Permission denied',
    cause: (s) =>
      isKnob(s)
        ? 'the knob is read-only here: not root (become?), or a global knob seen from a non-initial network namespace (mode 0444)'
        : 'not root (become?), or the mode of the file or its directory forbids it',
  },
  {
    pattern: /Read-only file system/,
    errno: 'Read-only file system',
    cause: () => 'the file system is mounted read-only (a container’s /proc/sys or /sys, or a read-only root)',
  },
  { pattern: /No space left on device/, errno: 'No space left on device', cause: () => 'the file system is full' },
  {
    pattern: /Invalid argument/,
    errno: 'Invalid argument',
    cause: (s) =>
      isKnob(s)
        ? 'the kernel rejected the value (out of range; 0 is invalid for the table size)'
        : 'the kernel rejected the request',
  },
  {
    pattern: /Operation not permitted/,
    errno: 'Operation not permitted',
    cause: () =>
      'the file or its directory is immutable (chattr +i), or a security module (SELinux, AppArmor) or a missing capability forbids it',
  },
  {
    pattern: /No such file or directory|Directory nonexistent|nonexistent directory/,
    errno: 'No such file or directory',
    cause: (s) =>
      isKnob(s)
        ? 'the knob does not exist on this kernel (module not loaded, or another kernel’s name)'
        : 'the file or its directory does not exist',
  },
  // kmod's own check (no errno): "rmmod: ERROR: Module nf_nat is in use by: xt_MASQUERADE"
  { pattern: /is in use/, errno: 'is in use', cause: () => 'another module, a rule or a process still holds it' },
  {
    pattern: /Device or resource busy/,
    errno: 'Device or resource busy',
    cause: (s) =>
      s.kind === 'module' ? 'another module, a rule or a process still holds it' : 'something else holds it open',
  },
  {
    pattern: /I\/O error|Input\/output error/,
    errno: 'I/O error',
    cause: (s) =>
      isKnob(s)
        ? 'the kernel refused the write (dash and busybox report every refused write this way): the value is out of range, ' +
          'or only the initial network namespace may change this knob'
        : 'the device or file system failed',
  },
];

/**
 * Shell position prefixes: dash `sh: 29: ` / `dash: 1: `, bash `bash: line 3: ` / `sh: line 3: `, busybox `sh: `.
 * Anchored at a line start or after the space that joins lines, so `sha256sum: ` or a path is never cut.
 */
const shellPrefix = /(^|\s)(?:\/[\w/.-]*\/)?(?:da|ba|a)?sh: (?:line )?\d+: /g;
const busyboxPrefix = /^(?:\/[\w/.-]*\/)?(?:da|ba|a)?sh: (?=can't |cannot )/;

/**
 * stderr as one line for people: each line without the shell's own position and dash's doubled `printf: printf:`,
 * control characters escaped, empty lines dropped, the rest joined with "; ".
 */
export function stripShellNoise(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      escapeMessage(line.replace(/\r$/, '').replace(/\t/g, ' '))
        .replace(shellPrefix, '$1')
        .replace(busyboxPrefix, '')
        .replace(/\b(printf|echo): \1: /g, '$1: ')
        .trim(),
    )
    .filter((line) => line !== '')
    .join('; ');
}

/** The errno text and likely cause found in stderr, or null when it names none we know. */
export function findErrno(text: string, subject: FailureSubject): { errno: string; cause: string } | null {
  const rule = errnoRules.find((candidate) => candidate.pattern.test(text));
  return rule ? { errno: rule.errno, cause: rule.cause(subject) } : null;
}

function subjectName(subject: FailureSubject): string {
  if (subject.key && subject.path) return `${subject.key} (${subject.path})`;
  return subject.key ?? subject.path ?? '';
}

function mentions(text: string, subject: FailureSubject): boolean {
  const names = [subject.path, subject.key].filter((name): name is string => Boolean(name));
  return names.length === 0 || names.some((name) => text.includes(name));
}

/**
 * A human message for a failed remote command, e.g.
 *   knob: "nf_conntrack.hashsize (/sys/module/…/hashsize): write failed: Operation not supported — likely cause: …"
 *   file: "mv: cannot move '/etc/.conntrack-fleet.Ab12' to '/etc/sysctl.conf': Operation not permitted — likely cause: …"
 * `stderr` may span lines; `exitCode` is used when stderr is empty. A knob message never repeats the shell's wording
 * (`cannot create`, `printf: I/O error`): the key, path and errno say it all.
 */
export function describeRemoteFailure(
  stderr: string,
  subject: FailureSubject,
  exitCode?: number | string | null,
): string {
  const text = stripShellNoise(stderr);
  const found = findErrno(text, subject);
  const name = subjectName(subject);
  if (subject.kind === 'knob') {
    const what = found?.errno ?? (text || `exit status ${exitCode ?? 'unknown'}`);
    return `${name}: write failed: ${what}${found ? ` — likely cause: ${found.cause}` : ''}`;
  }
  const body = text || `exit status ${exitCode ?? 'unknown'}`;
  const prefix = name && !mentions(body, subject) ? `${name}: ` : '';
  if (!found) return `${prefix}${body}`;
  // dash and busybox word some errnos their own way ("Directory nonexistent"): name the errno too
  const errno = body.includes(found.errno) ? '' : `${found.errno}; `;
  return `${prefix}${body} — ${errno}likely cause: ${found.cause}`;
}
