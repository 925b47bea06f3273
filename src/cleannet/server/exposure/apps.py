from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExposureAppConfig(AppConfig):
    name = "cleannet.server.exposure"
    label = "exposure"
    verbose_name = _("Exposure scanning")
