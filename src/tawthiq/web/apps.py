from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tawthiq.web"
    label = "web"
    verbose_name = "Tawthiq web"
