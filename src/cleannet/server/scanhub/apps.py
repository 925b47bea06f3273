from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScanHubAppConfig(AppConfig):
    name = "cleannet.server.scanhub"
    label = "scanhub"
    verbose_name = _("Scanner: signature bundles and reports")
