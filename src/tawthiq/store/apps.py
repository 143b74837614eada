from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "tawthiq.store"
    label = "store"
    verbose_name = "Tawthiq record"
