#!/bin/busybox sh
# shellcheck shell=dash
# initramfs /init: load the virtio modules (order computed at build), mount the ext4 root, switch to its /sbin/init.
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /newroot
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
echo "ctf-initramfs: loading $(wc -l < /modules.load) modules"
while read -r module; do
  insmod "/$module" || echo "ctf-initramfs: insmod $module failed"
done < /modules.load
tries=0
while [ ! -b /dev/vda ] && [ "$tries" -lt 100 ]; do sleep 0.05; tries=$((tries + 1)); done
if ! mount -t ext4 -o rw /dev/vda /newroot; then
  echo "ctf-initramfs: cannot mount /dev/vda; dropping to a shell"
  exec sh
fi
umount /proc /sys
mount --move /dev /newroot/dev
echo "ctf-initramfs: switching to the root fs"
exec switch_root /newroot /sbin/init
