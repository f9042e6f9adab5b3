"""A version number that every save of a row increments, safely under races."""

from django.db.models import F


class VersionedMixin:
    """Add one to the model's ``version`` field at every save of a stored row.

    The increment is made by the database (``version = version + 1`` in the
    UPDATE), not in Python: two copies loaded at the same version and both
    saved count as two changes, where ``self.version += 1`` would lose one.
    Put it before ``models.Model`` in the bases; the model declares ``version``.
    """

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if self._state.adding or not (
            update_fields is None or "version" in update_fields
        ):
            return super().save(*args, **kwargs)
        loaded = self.version
        self.version = F("version") + 1
        try:
            return super().save(*args, **kwargs)
        except BaseException:
            self.version = loaded
            raise

    def _save_table(
        self,
        raw=False,
        cls=None,
        force_insert=False,
        force_update=False,
        using=None,
        update_fields=None,
    ):
        updated = super()._save_table(
            raw, cls, force_insert, force_update, using, update_fields
        )
        if hasattr(self.version, "resolve_expression"):
            # Read the new number back before post_save: history rows copy it.
            self.version = (
                type(self)
                ._base_manager.db_manager(using)
                .values_list("version", flat=True)
                .get(pk=self.pk)
            )
        return updated
