from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "frontline.routing"
    label = "routing"
    verbose_name = "Routing, presence, tiers and swarming"
