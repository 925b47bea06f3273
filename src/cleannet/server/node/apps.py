from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NodeAppConfig(AppConfig):
    name = "cleannet.server.node"
    label = "node"
    verbose_name = _("ISP node")
