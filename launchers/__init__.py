"""Command-line launchers: `python -m launchers.<train|generate|export|evaluate>`; `launchers.cli` holds what they share."""
