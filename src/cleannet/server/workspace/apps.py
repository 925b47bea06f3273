from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceAppConfig(AppConfig):
    name = "cleannet.server.workspace"
    label = "workspace"
    verbose_name = _("Workspaces")
