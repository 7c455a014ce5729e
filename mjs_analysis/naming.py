"""Names the project makes up: a name not yet taken, for transcript ids, code ids and file names."""

from __future__ import annotations

__all__ = ["unique_name"]


def unique_name(candidate: str, taken: set) -> str:
    """``candidate``, or ``candidate_2``, ``candidate_3``, ... : the first one not in ``taken``, which it joins.

    Examples
    --------
    >>> taken = {"sln01"}
    >>> unique_name("sln01", taken), unique_name("sln01", taken), sorted(taken)
    ('sln01_2', 'sln01_3', ['sln01', 'sln01_2', 'sln01_3'])
    """
    name, n = candidate, 2
    while name in taken:
        name, n = f"{candidate}_{n}", n + 1
    taken.add(name)
    return name
