from django.apps import AppConfig


class MacrosConfig(AppConfig):
    name = "frontline.macros"
    label = "macros"
    verbose_name = "Macros"
