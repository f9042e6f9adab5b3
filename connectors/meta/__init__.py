"""Facebook Pages and Instagram professional accounts, through Meta's Graph API."""

from connectors.meta import connector  # noqa: F401 (registers the connectors)
