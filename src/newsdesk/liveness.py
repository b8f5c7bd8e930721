"""Whether the owner of a run, a lease or a scratch folder is provably dead, on a machine among several.

A pid means something only on the host (and in the PID namespace) that issued it: `os.kill(pid, 0)` about a
process of another machine answers about an unrelated local process. So every owner is recorded with a host
key (hostname, boot id and PID-namespace inode) and judged by pid only when that key is ours; an owner on
another host is dead only when its heartbeat is older than a TTL. Nothing else is ever judged dead.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import socket
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from newsdesk.processes import process_alive


@dataclass(frozen=True)
class Host:
    host: str  # the hostname, for people
    key: str  # where a pid is meaningful: hostname, boot id, PID namespace
    pid: int  # the process that lives as long as the run (see run_pid)


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="ascii").strip()
    except OSError:
        return ""


@cache
def _host_key() -> str:
    # Cached per process: a process never changes host (the hostname could be renamed; the key must not move).
    try:
        pid_ns = str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        pid_ns = ""
    return f"{socket.gethostname()}|{_read('/proc/sys/kernel/random/boot_id')}|{pid_ns}"


def run_pid() -> int:
    """The process whose life is the run's: this one, or its parent when this is a multiprocessing child (a
    Dagster step process of the multiprocess executor, whose run worker lives from step to step)."""
    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None and parent.pid is not None else os.getpid()


def this_host() -> Host:
    return Host(socket.gethostname(), _host_key(), run_pid())


def host_tag() -> str:
    """8 hex characters naming this host key, for scratch folder names (no separator characters)."""
    return hashlib.sha1(_host_key().encode()).hexdigest()[:8]


def provably_dead(host_key: str, pid: int, age_s: float, ttl_s: float) -> bool:
    """Same host: its pid is gone. Another host: no heartbeat for `ttl_s` seconds (`age_s` is measured on one
    clock, the lease store's, so hosts' clocks need not agree)."""
    if host_key == _host_key():
        return not process_alive(pid)
    return age_s > ttl_s
