from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "frontline.channels.email"
    label = "email"
    verbose_name = "Email channel"
