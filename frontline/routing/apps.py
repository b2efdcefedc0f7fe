from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "frontline.routing"
    label = "routing"
    verbose_name = "Routing, presence, tiers and swarming"

    def ready(self) -> None:
        # Signing in reads the agent's presence into the cache, so the header's switch
        # costs no query on the pages that follow.
        from django.contrib.auth.signals import user_logged_in

        from frontline.routing.presence import warm_presence

        user_logged_in.connect(warm_presence, dispatch_uid="routing.warm_presence")
