from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaksAppConfig(AppConfig):
    name = "cleannet.server.leaks"
    label = "leaks"
    verbose_name = _("Leak check")
