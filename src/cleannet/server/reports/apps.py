from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsAppConfig(AppConfig):
    name = "cleannet.server.reports"
    label = "reports"
    verbose_name = _("Reports and triage")
