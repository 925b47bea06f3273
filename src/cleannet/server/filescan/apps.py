from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FileScanAppConfig(AppConfig):
    name = "cleannet.server.filescan"
    label = "filescan"
    verbose_name = _("Online file scan")
