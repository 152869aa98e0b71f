"""Kiebitz: self-hosted comments with a spam filter built in."""

__version__ = "0.1.0"
