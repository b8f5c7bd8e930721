"""Whether the owner of a run, a lease or a scratch folder is provably dead, on a machine among
several.

A pid means something only on the host (and in the PID namespace) that issued it: `os.kill(pid, 0)`
about a process of another machine answers about an unrelated local process. So every owner is
recorded with a host key (hostname, boot id and PID-namespace inode) and judged by pid only when
that key is ours; an owner on another host is dead only when its heartbeat is older than a TTL.
Nothing else is ever judged dead.
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
    # when that process started (process_start): a pid number reused later is another process
    started: str


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="ascii").strip()
    except OSError:
        return ""


@cache
def _host_key() -> str:
    # Cached per process: a process never changes host (the hostname could be renamed; the key must
    # not move).
    try:
        pid_ns = str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        pid_ns = ""
    return f"{socket.gethostname()}|{_read('/proc/sys/kernel/random/boot_id')}|{pid_ns}"


def run_pid() -> int:
    """The process whose life is the run's: this one, or its parent when this is a multiprocessing
    child (a Dagster step process of the multiprocess executor, whose run worker lives from step to
    step)."""
    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None and parent.pid is not None else os.getpid()


def this_host() -> Host:
    pid = run_pid()
    return Host(socket.gethostname(), _host_key(), pid, process_start(pid))


def process_start(pid: int) -> str:
    """The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), "" if
    unknown. With the pid it names one process: PID namespaces restart their numbers at 1, and a new
    namespace may even reuse a dead one's inode, so a pid alone can name a live stranger."""
    stat = _read(f"/proc/{pid}/stat")
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def same_process_alive(pid: int, started: str) -> bool:
    """Whether process `pid` of this host is still the one that started at `started` ("" = not
    recorded)."""
    if not process_alive(pid):
        return False
    return not started or process_start(pid) in ("", started)


def host_tag() -> str:
    """8 hex characters for scratch folder names: 4 for the hostname and PID namespace, 4 for the
    boot."""
    host, boot, pid_ns = _host_key().split("|")
    return _hex4(f"{host}|{pid_ns}") + _hex4(boot)


def _hex4(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:4]


def tag_owner_dead(tag: str, pid: int) -> bool:
    """Whether the owner of a scratch folder named with `tag` and `pid` is provably dead: this host
    and boot with the pid gone, or this host in an earlier boot (a reboot ended every process).
    Otherwise unknown."""
    mine = host_tag()
    if tag == mine:
        return not process_alive(pid)
    return tag[:4] == mine[:4]


def provably_dead(host_key: str, pid: int, started: str, age_s: float, ttl_s: float) -> bool:
    """Same host: its pid is gone (or the host has rebooted since). Another host: no heartbeat for
    `ttl_s` seconds (`age_s` is measured on one clock, the lease store's, so hosts' clocks need not
    agree)."""
    mine = _host_key()
    if host_key == mine:
        return not same_process_alive(pid, started)
    theirs, ours = host_key.split("|"), mine.split("|")
    if len(theirs) == 3 and (theirs[0], theirs[2]) == (ours[0], ours[2]):
        return True  # this very host (name and PID namespace) in an earlier boot
    return age_s > ttl_s
