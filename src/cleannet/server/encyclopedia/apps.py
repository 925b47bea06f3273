from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EncyclopediaAppConfig(AppConfig):
    name = "cleannet.server.encyclopedia"
    label = "encyclopedia"
    verbose_name = _("Malware encyclopedia and alerts")
