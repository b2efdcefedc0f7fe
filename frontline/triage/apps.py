from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "frontline.triage"
    label = "triage"
    verbose_name = "Triage: rules, the classifier, language and sentiment"
