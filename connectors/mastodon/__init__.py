"""The Mastodon connector (``Mastodon.py``): importing the package registers it."""

from connectors.mastodon import connector  # noqa: F401
