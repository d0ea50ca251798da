from dataclasses import dataclass, field


@dataclass
class Result:
    """What applying one batch did: writes to the shop, entries left alone, notes for the run."""

    writes: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.skipped += 1
        if len(self.notes) < 20:
            self.notes.append(text)
