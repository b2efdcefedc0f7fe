from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "frontline.workflows"
    label = "workflows"
    verbose_name = "Guided workflows"
