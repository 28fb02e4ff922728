"""Off-platform contact detector (placeholder; filled in below)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Detection:
    flagged: bool
    kinds: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


def detect(text: str) -> Detection:
    return Detection(False)
