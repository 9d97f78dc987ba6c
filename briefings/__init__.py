"""briefings: a static site generator for curated, well-attributed news briefings."""

from pathlib import Path

__version__ = "0.1.0"
THEME = Path(__file__).parent / "theme"  # the built-in templates and static files
