from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "frontline.integrations"
    label = "integrations"
    verbose_name = "Integrations and outgoing webhooks"
