"""How much CPU the hypervisor took from this virtual machine while something ran ("steal").

This machine's speed drifts with its neighbours': the bare loop of the dispatch benchmark ran
at 306 and at 837 messages per second minutes apart, and the slow runs were those with 20-37%
of the CPU stolen (vmstat's `st`). A run with much stolen measures the neighbours, not the code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
STAT = Path("/proc/stat")


def _cpu_times() -> tuple[int, int] | None:
    """(steal, all) jiffies of all CPUs since boot; None where there is no /proc/stat."""
    try:
        fields = STAT.read_text().splitlines()[0].split()
    except OSError:
        return None
    values = [int(value) for value in fields[1:9]]  # user nice system idle iowait irq softirq steal
    return values[7], sum(values)


def timed_steal(run: Callable[[], T]) -> tuple[T, float]:
    """`run()`'s result and the share of CPU time stolen meanwhile (0.0 when unknown)."""
    before = _cpu_times()
    result = run()
    after = _cpu_times()
    if before is None or after is None or after[1] == before[1]:
        return result, 0.0
    return result, (after[0] - before[0]) / (after[1] - before[1])
