"""How findings say numbers in their reasons, the same in every check."""

from __future__ import annotations


def share_text(share: float) -> str:
    """A share as a percentage, with three decimals when it would otherwise read as 0.0%."""
    return f"{share:.1%}" if share >= 0.001 else f"{share:.3%}"
