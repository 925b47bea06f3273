from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfCheckAppConfig(AppConfig):
    name = "cleannet.server.selfcheck"
    label = "selfcheck"
    verbose_name = _("Self-checks, tools and statistics")
