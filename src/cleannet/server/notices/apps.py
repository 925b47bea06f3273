from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesAppConfig(AppConfig):
    name = "cleannet.server.notices"
    label = "notices"
    verbose_name = _("Notices")
