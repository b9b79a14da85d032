"""The system-call filter bubblewrap installs in every sandbox before the worker starts.

Namespaces separate most kernel state, but not all of it: keyrings, io_uring, BPF maps,
userfaultfd and the like are reached by system calls that a Python worker never needs and that
either outlive a sandbox or reach another one. The anchor is Docker's default profile: what it
denies to an unprivileged container is denied here with EPERM (clone3 with ENOSYS, so that
glibc falls back to clone, whose namespace flags can be checked). Beyond that profile, advisory
locks and inotify are denied because they work on the read-only files every sandbox shares
(/usr), so two concurrent sandboxes could signal each other with them, and so are socket
families other than unix, IPv4, IPv6 and netlink (AF_VSOCK, for one, ignores network
namespaces). A system call of a foreign architecture (i386 `int 0x80`, the x32 ABI) kills the
process: its numbers would bypass the list.
"""
from __future__ import annotations

import errno
import functools
import os
import tempfile

# Keyrings (per uid, and the persistent keyring outlives every process of the uid).
KEYRINGS = ("add_key", "keyctl", "request_key")
# Reaching other processes.
PROCESSES = ("ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "kcmp", "pidfd_getfd",
             "move_pages", "migrate_pages")
# Namespaces and mounts: bwrap has set them up; the worker must not build its own.
NAMESPACES = ("unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree",
              "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", "open_by_handle_at",
              "name_to_handle_at", "sethostname", "setdomainname")
# Kernel attack surface and host-wide state.
KERNEL = ("bpf", "userfaultfd", "perf_event_open", "io_uring_setup", "io_uring_enter", "io_uring_register",
          "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "swapon", "swapoff",
          "reboot", "acct", "quotactl", "quotactl_fd", "syslog", "lookup_dcookie", "uselib", "ustat", "sysfs",
          "_sysctl", "nfsservctl", "iopl", "ioperm", "vhangup", "settimeofday", "clock_settime",
          "clock_adjtime", "fanotify_init", "create_module", "get_kernel_syms", "query_module")
# Signalling through the inodes of files shared read-only by every sandbox.
SHARED_INODES = ("flock", "inotify_init", "inotify_init1", "inotify_add_watch")
DENIED = KEYRINGS + PROCESSES + NAMESPACES + KERNEL + SHARED_INODES
NESTING = ("unshare", "mount")
"""What a warm sandbox's zygote (`grucourse.judge.nested`) needs to give each child namespaces and
mounts of its own; every child stacks the full filter on top before any student code runs."""

CLONE_NAMESPACE_FLAGS = (0x00000080, 0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000,
                         0x40000000)  # NEWTIME, NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET
FCNTL_LOCKS = (5, 6, 7, 36, 37, 38, 1024)  # F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK/SETLK/SETLKW, F_SETLEASE
PERSONALITY_FLAGS = (0x0040000, 0x0080000, 0x0100000, 0x0200000, 0x0400000, 0x0800000, 0x1000000, 0x2000000,
                     0x4000000, 0x8000000)  # ADDR_NO_RANDOMIZE ... ADDR_LIMIT_3GB (UNAME26 stays allowed)
SOCKET_FAMILIES_ALLOWED = (1, 2, 10, 16)  # AF_UNIX, AF_INET, AF_INET6, AF_NETLINK
SOCKET_FAMILY_MAX = 64


@functools.cache
def program(nesting: bool = False) -> bytes:
    """The compiled BPF program for this machine's architecture (built once per process);
    with `nesting`, the zygote's, which allows NESTING. Raises ImportError or OSError when
    libseccomp cannot be used."""
    import pyseccomp as sc

    deny = sc.ERRNO(errno.EPERM)
    rules = sc.SyscallFilter(sc.ALLOW)
    rules.set_attr(sc.Attr.ACT_BADARCH, sc.KILL_PROCESS)
    for name in (n for n in DENIED if not (nesting and n in NESTING)):  # libseccomp knows every architecture's names; absent ones match nothing
        rules.add_rule(deny, name)
    rules.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    for flag in CLONE_NAMESPACE_FLAGS:
        rules.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    for command in FCNTL_LOCKS:
        rules.add_rule(deny, "fcntl", sc.Arg(1, sc.EQ, command))
    for flag in PERSONALITY_FLAGS:
        rules.add_rule(deny, "personality", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    for family in range(SOCKET_FAMILY_MAX):
        if family not in SOCKET_FAMILIES_ALLOWED:
            rules.add_rule(sc.ERRNO(errno.EAFNOSUPPORT), "socket", sc.Arg(0, sc.EQ, family))
    rules.add_rule(sc.ERRNO(errno.EAFNOSUPPORT), "socket", sc.Arg(0, sc.GE, SOCKET_FAMILY_MAX))
    with tempfile.TemporaryFile() as out:
        rules.export_bpf(out)
        out.seek(0)
        return out.read()


def program_fd(nesting: bool = False) -> int:
    """A pipe's read end holding the program, for `bwrap --seccomp FD` (the caller closes it
    once bwrap has started). The program is far smaller than a pipe's buffer."""
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, program(nesting))
    finally:
        os.close(write_end)
    return read_end
