from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "frontline.channels.portal"
    label = "portal"
    verbose_name = "Customer portal"
