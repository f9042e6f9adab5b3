"""The policies app in the admin, one module per subject.

Django's autodiscovery imports this package only: importing each module here
runs its registrations.
"""

from policies.admin import legal, notices, rulebook  # noqa: F401
