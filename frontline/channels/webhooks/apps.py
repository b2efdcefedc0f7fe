from django.apps import AppConfig


class WebhookChannelsConfig(AppConfig):
    name = "frontline.channels.webhooks"
    label = "webhooks"
    verbose_name = "Messaging channels (SMS, social, phone)"
