"""Update rounds: asking every officer for their updates before a cut-off, and chasing them (ADR 0007)."""
