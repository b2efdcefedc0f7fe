from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "frontline.automation"
    label = "automation"
    verbose_name = "Automations"
