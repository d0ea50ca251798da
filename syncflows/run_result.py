from dataclasses import dataclass, field


@dataclass
class Result:
    """What applying one batch did: writes to the shop, entries left alone, notes for the run."""

    writes: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def note(self, text: str, *, skipped: int = 1) -> None:
        """Report `text` on the run, counting `skipped` entries left alone because of it."""
        self.skipped += skipped
        if len(self.notes) < 20:
            self.notes.append(text)
