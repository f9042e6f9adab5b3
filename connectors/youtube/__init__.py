"""The YouTube connector (Data API v3): importing the package registers it."""

from connectors.youtube import connector  # noqa: F401
