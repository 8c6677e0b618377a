"""A silent HiGHS instance, shared by the Steiner solver and the budgeted site choice."""

from __future__ import annotations

import os
import sys

import highspy

_banner_done: list[bool] = [False]  # the banner is printed once per process


def new_highs() -> highspy.Highs:
    """Return a ``highspy.Highs`` with console output off.

    The one-time copyright banner HiGHS writes to C-level stdout on its first
    construction in a process is swallowed, so that commands printing JSON or
    tables on stdout are not disturbed.
    """
    if _banner_done[0]:
        h = highspy.Highs()
    else:
        try:
            sys.stdout.flush()
            fd = sys.stdout.fileno()
            saved = os.dup(fd)
        except (AttributeError, OSError, ValueError):
            saved = None
        try:
            if saved is not None:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, fd)
                os.close(devnull)
            h = highspy.Highs()
        finally:
            if saved is not None:
                os.dup2(saved, fd)
                os.close(saved)
        _banner_done[0] = True
    h.setOptionValue("output_flag", False)
    return h
