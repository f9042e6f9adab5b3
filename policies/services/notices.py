"""State changes of notices and disclosures: revisions, publication."""

from django.db import transaction
from django.utils import timezone

from core.history import with_history_user
from policies.models import Notice
from policies.services.rulebook import require_editor


def notice_save(*, notice, actor, now=None):
    """Save ``notice``; a change of its title or body starts a new revision."""
    require_editor(actor)
    notice.full_clean()
    now = now or timezone.now()
    with transaction.atomic():
        if notice.pk:
            stored = (
                Notice.objects.select_for_update()
                .filter(pk=notice.pk)
                .values("title", "body", "revision")
                .first()
            )
            if stored and (stored["title"], stored["body"]) != (
                notice.title,
                notice.body,
            ):
                notice.revision = stored["revision"] + 1
                notice.updated_at = now
        with_history_user(notice, actor).save()
    return notice


def disclosures_set_published(*, disclosures, published, actor):
    """Publish or withdraw ``disclosures``; return how many changed."""
    require_editor(actor)
    changed = 0
    with transaction.atomic():
        for disclosure in disclosures.select_for_update().exclude(published=published):
            disclosure.published = published
            with_history_user(disclosure, actor).save()
            changed += 1
    return changed
