"""karabakh-site: plain-text sources to a cross-linked, fully cited static reference site."""

__version__ = "0.1.0"
