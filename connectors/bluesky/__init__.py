"""Bluesky (AT Protocol): importing the package registers the connector."""

from connectors.bluesky.connector import Bluesky

__all__ = ["Bluesky"]
