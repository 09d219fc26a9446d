/** The real-kernel test machine: build the Debian 6.1 guest image once, boot VMs from it under QEMU. */
import { buildImage as buildImageUncached, type ImageInfo } from './image/build.js';

export type { ImageInfo } from './image/build.js';
export type { Accel, AccelChoice } from './vm/accel.js';
export { chooseAccel } from './vm/accel.js';
export { kernelSkipReason } from './vm/host-tools.js';
export type { Firewall } from './vm/qemu-args.js';
export { startVm, type StartVmOptions, type Vm } from './vm/machine.js';

let image: Promise<ImageInfo> | undefined;

/** Cached twice: on disk by content key, and per process (several test files share one build). */
export function buildImage(): Promise<ImageInfo> {
  image ??= buildImageUncached();
  return image;
}
