# mmpose's runtime (hooks, logging, visualizer) with the plugin's parts.
_base_ = ['mmpose::_base_/default_runtime.py']
custom_imports = dict(imports=['hg_plugin'], allow_failed_imports=False)
default_hooks = dict(logger=dict(interval=50))
