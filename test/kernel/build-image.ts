/** `npx tsx test/kernel/build-image.ts`: builds the guest image (or reports the cached one) and prints where it is. */
import { buildImage } from './image/build.js';

const info = await buildImage();
console.log(JSON.stringify({ ...info, packages: `${info.packages.length} packages` }, null, 2));
