"""Command-line launchers: `python -m launchers.<train|generate>`."""
