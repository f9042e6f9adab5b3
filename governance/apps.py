from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    default = True
    name = "governance"
    verbose_name = _("Governance")


class GovernanceAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "governance.admin.GovernanceAdminSite"
